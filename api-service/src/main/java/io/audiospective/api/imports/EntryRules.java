package io.audiospective.api.imports;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * What values an entry of a history file may hold. An entry outside them is skipped with its reason (an
 * {@code invalid: ...} reason) instead of failing the whole upload: one corrupt line should not cost a member the
 * rest of their history, and it must not reach the archive either.
 * <p>
 * One instance serves both passes over an upload, so "now" is the same in both and an entry near the limit cannot
 * be counted in the first pass and sent differently in the second.
 */
public final class EntryRules {

    /** Spotify launched on 2008-10-07: nobody streamed anything on it before. */
    public static final Instant SPOTIFY_LAUNCH = Instant.parse("2008-10-07T00:00:00Z");
    /** A stream ending more than this after "now" cannot have happened (clocks of devices drift, not by days). */
    public static final Duration FUTURE_TOLERANCE = Duration.ofDays(1);
    /** A single stream longer than a day is not a real value. */
    public static final long MAX_MS_PLAYED = Duration.ofHours(24).toMillis();

    public static final String TRACK_URI_PREFIX = "spotify:track:";
    /** Spotify ids are 22 characters of base62. */
    private static final Pattern TRACK_ID = Pattern.compile("[0-9A-Za-z]{22}");

    private final Instant latest;

    public EntryRules(Instant now) {
        this.latest = now.plus(FUTURE_TOLERANCE);
    }

    /** Null when the instant {@code field} says a stream ended is possible, else the reason it is not. */
    String endedAt(String field, Instant endedAt) {
        if (endedAt.isBefore(SPOTIFY_LAUNCH)) {
            return "invalid: " + field + " before 2008-10-07";
        }
        if (endedAt.isAfter(latest)) {
            return "invalid: " + field + " in the future";
        }
        return null;
    }

    /** Null when {@code msPlayed} is between 0 and 24 h inclusive, else the reason. */
    String msPlayed(String field, long msPlayed) {
        return msPlayed < 0 || msPlayed > MAX_MS_PLAYED ? "invalid: " + field + " out of range" : null;
    }

    /** Null when a {@code spotify:track:} URI carries a well-formed id, else the reason. */
    String trackUri(String uri) {
        return TRACK_ID.matcher(uri)
                        .region(TRACK_URI_PREFIX.length(), uri.length())
                        .matches()
                ? null
                : "invalid: malformed track id";
    }
}
