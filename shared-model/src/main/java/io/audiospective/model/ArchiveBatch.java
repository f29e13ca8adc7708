package io.audiospective.model;

import java.time.Instant;
import java.util.List;

/**
 * Topic {@value Topics#ARCHIVE_BATCHES}, key {@code batchId}: users an archive worker must poll now.
 *
 * @param scheduledFor the slot the batch was published for; idempotency keys derive from it
 */
public record ArchiveBatch(
        int schemaVersion, String batchId, Instant scheduledFor, BatchReason reason, List<String> userIds) {

    public static final int CURRENT_VERSION = 1;
    public static final int MAX_USERS = 50;

    public ArchiveBatch {
        Contracts.requireVersion(schemaVersion);
        Contracts.requireText(batchId, "batchId");
        Contracts.require(scheduledFor, "scheduledFor");
        Contracts.require(reason, "reason");
        userIds = Contracts.requireList(userIds, "userIds");
        if (userIds.isEmpty() || userIds.size() > MAX_USERS) {
            throw new IllegalArgumentException(
                    "userIds must hold 1 to " + MAX_USERS + " users, held " + userIds.size());
        }
    }

    public static ArchiveBatch of(String batchId, Instant scheduledFor, BatchReason reason, List<String> userIds) {
        return new ArchiveBatch(CURRENT_VERSION, batchId, scheduledFor, reason, userIds);
    }
}
