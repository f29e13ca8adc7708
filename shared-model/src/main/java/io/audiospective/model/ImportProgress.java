package io.audiospective.model;

/**
 * Topic {@value Topics#IMPORTS_PROGRESS}, key {@code userId}: the worker's totals for one import job after it
 * processed a chunk or completed entries that waited for track metadata. Totals, not deltas, so a redelivered or
 * reordered report never double-counts: readers keep the report with the highest {@code sequence}.
 *
 * @param sequence increases with every report of this import (a version of the totals)
 * @param chunksProcessed chunks of {@link ImportChunk} the worker has archived so far
 * @param imported entries archived as new plays
 * @param duplicates entries that matched a play already archived (polled or imported before)
 * @param pendingMetadata entries kept until their track's metadata can be fetched from Spotify
 * @param failed entries that could not be archived (Spotify does not know the track)
 */
public record ImportProgress(int schemaVersion, String importId, String userId, long sequence, int chunksProcessed,
        long imported, long duplicates, long pendingMetadata, long failed) {

    public static final int CURRENT_VERSION = 1;

    public ImportProgress {
        Contracts.requireVersion(schemaVersion);
        Contracts.requireText(importId, "importId");
        Contracts.requireText(userId, "userId");
        Contracts.requireNotNegative(sequence, "sequence");
        Contracts.requireNotNegative(chunksProcessed, "chunksProcessed");
        Contracts.requireNotNegative(imported, "imported");
        Contracts.requireNotNegative(duplicates, "duplicates");
        Contracts.requireNotNegative(pendingMetadata, "pendingMetadata");
        Contracts.requireNotNegative(failed, "failed");
    }
}
