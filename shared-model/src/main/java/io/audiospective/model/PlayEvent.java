package io.audiospective.model;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Topic {@value Topics#PLAYS}, key {@code userId}: one archived play. A play is identified by
 * ({@code userId}, {@code playedAt}); consumers de-duplicate on that pair.
 *
 * @param playedAt when the play started counting as played, millisecond precision, UTC
 * @param msPlayed how long it was listened to; polled plays report the track's duration
 * @param importId the import job a play came from, null for polled plays
 * @param removed true: the play left the archive because the member undid its import ({@code importId}); consumers
 *        remove that import's play at {@code playedAt}. A replay reads the play and then its removal, in order (both
 *        keyed by user). Absent in older messages: false
 */
public record PlayEvent(
        int schemaVersion,
        String userId,
        Instant playedAt,
        TrackRef track,
        long msPlayed,
        PlaySource source,
        String importId,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) Boolean removed) {

    public static final int CURRENT_VERSION = 1;

    public PlayEvent {
        Contracts.requireVersion(schemaVersion);
        Contracts.requireText(userId, "userId");
        Contracts.require(playedAt, "playedAt");
        Contracts.require(track, "track");
        Contracts.requireNotNegative(msPlayed, "msPlayed");
        Contracts.require(source, "source");
        removed = Boolean.TRUE.equals(removed);
        if (removed && (source != PlaySource.IMPORT || importId == null)) {
            throw new IllegalArgumentException("only an imported play can be removed, with its importId");
        }
    }

    /** A play archived. */
    public PlayEvent(
            int schemaVersion,
            String userId,
            Instant playedAt,
            TrackRef track,
            long msPlayed,
            PlaySource source,
            String importId) {
        this(schemaVersion, userId, playedAt, track, msPlayed, source, importId, false);
    }

    public static PlayEvent polled(String userId, Instant playedAt, TrackRef track) {
        return new PlayEvent(CURRENT_VERSION, userId, playedAt, track, track.durationMs(), PlaySource.POLL, null);
    }
}
