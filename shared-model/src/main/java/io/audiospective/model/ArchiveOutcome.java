package io.audiospective.model;

import java.time.Instant;

/**
 * Topic {@value Topics#ARCHIVE_OUTCOMES}, key {@code userId}: how one user's poll went.
 *
 * @param failureKind null when the poll succeeded
 * @param newPlays plays archived by this poll that were not archived before
 * @param fullPage the poll saw a full page (50 items), so the user listens faster than the schedule polls
 * @param gapSuspected the page was full and older than the newest archived play: plays may have been missed
 * @param currentlyListening the newest play is recent enough that the user is probably still listening
 * @param retryAfterSeconds what Spotify asked for with a 429, null otherwise
 * @param detail a short human-readable reason for a failure, never a secret
 */
public record ArchiveOutcome(
        int schemaVersion,
        String batchId,
        String userId,
        Instant scheduledFor,
        Instant completedAt,
        FailureKind failureKind,
        int newPlays,
        boolean fullPage,
        boolean gapSuspected,
        boolean currentlyListening,
        Long retryAfterSeconds,
        String detail) {

    public static final int CURRENT_VERSION = 1;

    public ArchiveOutcome {
        Contracts.requireVersion(schemaVersion);
        Contracts.requireText(batchId, "batchId");
        Contracts.requireText(userId, "userId");
        Contracts.require(scheduledFor, "scheduledFor");
        Contracts.require(completedAt, "completedAt");
        Contracts.requireNotNegative(newPlays, "newPlays");
        if (retryAfterSeconds != null) {
            Contracts.requireNotNegative(retryAfterSeconds, "retryAfterSeconds");
        }
    }

    public static ArchiveOutcome success(
            String batchId,
            String userId,
            Instant scheduledFor,
            Instant completedAt,
            int newPlays,
            boolean fullPage,
            boolean gapSuspected,
            boolean currentlyListening) {
        return new ArchiveOutcome(
                CURRENT_VERSION,
                batchId,
                userId,
                scheduledFor,
                completedAt,
                null,
                newPlays,
                fullPage,
                gapSuspected,
                currentlyListening,
                null,
                null);
    }

    public static ArchiveOutcome failure(
            String batchId,
            String userId,
            Instant scheduledFor,
            Instant completedAt,
            FailureKind kind,
            Long retryAfterSeconds,
            String detail) {
        Contracts.require(kind, "failureKind");
        return new ArchiveOutcome(
                CURRENT_VERSION,
                batchId,
                userId,
                scheduledFor,
                completedAt,
                kind,
                0,
                false,
                false,
                false,
                retryAfterSeconds,
                detail);
    }

    public boolean succeeded() {
        return failureKind == null;
    }
}
