package io.audiospective.emulator;

/**
 * One stream of a track by a user. Only streams of at least 30 s count as plays; shorter ones are skips and
 * never show up in recently-played.
 *
 * @param playedAtMs when the stream ended (unix ms), which is Spotify's {@code played_at}
 * @param msPlayed how long the track played
 * @param contextType album, artist or null when played without context
 */
public record Play(String userId, long playedAtMs, int trackIndex, int msPlayed, String contextType) {

    public static final int MIN_COUNTED_MS = 30_000;

    public boolean counted() {
        return msPlayed >= MIN_COUNTED_MS;
    }
}
