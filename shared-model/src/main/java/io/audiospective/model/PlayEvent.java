package io.audiospective.model;

import java.time.Instant;

/**
 * Topic {@value Topics#PLAYS}, key {@code userId}: one archived play. A play is identified by
 * ({@code userId}, {@code playedAt}); consumers de-duplicate on that pair.
 *
 * @param playedAt when the play started counting as played, millisecond precision, UTC
 * @param msPlayed how long it was listened to; polled plays report the track's duration
 * @param importId the import job a play came from, null for polled plays
 */
public record PlayEvent(int schemaVersion, String userId, Instant playedAt, TrackRef track, long msPlayed,
        PlaySource source, String importId) {

    public static final int CURRENT_VERSION = 1;

    public PlayEvent {
        Contracts.requireVersion(schemaVersion);
        Contracts.requireText(userId, "userId");
        Contracts.require(playedAt, "playedAt");
        Contracts.require(track, "track");
        Contracts.requireNotNegative(msPlayed, "msPlayed");
        Contracts.require(source, "source");
    }

    public static PlayEvent polled(String userId, Instant playedAt, TrackRef track) {
        return new PlayEvent(CURRENT_VERSION, userId, playedAt, track, track.durationMs(), PlaySource.POLL, null);
    }
}
