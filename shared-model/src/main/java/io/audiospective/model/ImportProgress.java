package io.audiospective.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * Topic {@value Topics#IMPORTS_PROGRESS}, key {@code userId}: the worker's totals for one import job after it
 * processed a chunk or completed entries that waited for track metadata. Totals, not deltas, so a redelivered or
 * reordered report never double-counts: readers keep the report with the highest {@code sequence}.
 *
 * @param sequence increases with every report of this import (a version of the totals)
 * @param chunksProcessed chunks of {@link ImportChunk} the worker has archived so far
 * @param imported entries archived as new plays
 * @param duplicates entries that matched a play already archived (polled or imported before)
 * @param pendingMetadata entries not archived yet: their track is unknown and the file does not name it, so they
 *        wait until Spotify describes it
 * @param failed entries that could not be archived: invalid ones, and unnamed ones whose track Spotify does not know
 * @param unmatched entries of account-data files (names only) that matched no track, by reason; kept by the
 *        worker, never dropped. Added compatibly: absent in older reports, read as empty
 * @param awaitingCatalogue plays archived (and counted in {@code imported}) under the names the file gives, whose
 *        track Spotify has not described yet: the catalogue completion still has to look them up. Absent in older
 *        reports: 0
 * @param withoutCatalogue plays archived (and counted in {@code imported}) that keep the file's names for good,
 *        because Spotify does not know their track (removed from the catalogue). Absent in older reports: 0
 * @param undone the member undid the import: every play it added was removed ({@code removed} of them) and its
 *        chunks are ignored from now on. Absent in older reports: false
 * @param removed plays the undo removed from the archive. Absent in older reports: 0
 */
public record ImportProgress(
        int schemaVersion,
        String importId,
        String userId,
        long sequence,
        int chunksProcessed,
        long imported,
        long duplicates,
        long pendingMetadata,
        long failed,
        Map<String, Long> unmatched,
        Long awaitingCatalogue,
        Long withoutCatalogue,
        Boolean undone,
        Long removed) {

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
        unmatched = unmatched == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(unmatched));
        unmatched.forEach((reason, count) -> {
            Contracts.requireText(reason, "unmatched reason");
            Contracts.requireNotNegative(count == null ? -1 : count, "unmatched count");
        });
        awaitingCatalogue =
                Contracts.requireNotNegative(awaitingCatalogue == null ? 0 : awaitingCatalogue, "awaitingCatalogue");
        withoutCatalogue =
                Contracts.requireNotNegative(withoutCatalogue == null ? 0 : withoutCatalogue, "withoutCatalogue");
        undone = Boolean.TRUE.equals(undone);
        removed = Contracts.requireNotNegative(removed == null ? 0 : removed, "removed");
    }

    /** A report of an import that was not undone. */
    public ImportProgress(
            int schemaVersion,
            String importId,
            String userId,
            long sequence,
            int chunksProcessed,
            long imported,
            long duplicates,
            long pendingMetadata,
            long failed,
            Map<String, Long> unmatched,
            Long awaitingCatalogue,
            Long withoutCatalogue) {
        this(
                schemaVersion,
                importId,
                userId,
                sequence,
                chunksProcessed,
                imported,
                duplicates,
                pendingMetadata,
                failed,
                unmatched,
                awaitingCatalogue,
                withoutCatalogue,
                false,
                0L);
    }

    /** A report without catalogue completion (account data, or every track known). */
    public ImportProgress(
            int schemaVersion,
            String importId,
            String userId,
            long sequence,
            int chunksProcessed,
            long imported,
            long duplicates,
            long pendingMetadata,
            long failed,
            Map<String, Long> unmatched) {
        this(
                schemaVersion,
                importId,
                userId,
                sequence,
                chunksProcessed,
                imported,
                duplicates,
                pendingMetadata,
                failed,
                unmatched,
                0L,
                0L);
    }

    /** A report without unmatched entries (extended history only). */
    public ImportProgress(
            int schemaVersion,
            String importId,
            String userId,
            long sequence,
            int chunksProcessed,
            long imported,
            long duplicates,
            long pendingMetadata,
            long failed) {
        this(
                schemaVersion,
                importId,
                userId,
                sequence,
                chunksProcessed,
                imported,
                duplicates,
                pendingMetadata,
                failed,
                null,
                0L,
                0L);
    }

    /** All unmatched entries, whatever the reason. */
    public long unmatchedTotal() {
        return unmatched.values().stream().mapToLong(Long::longValue).sum();
    }
}
