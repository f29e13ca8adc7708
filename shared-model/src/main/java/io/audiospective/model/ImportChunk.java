package io.audiospective.model;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Topic {@value Topics#IMPORTS}, key {@code userId}: a consecutive slice of one import job's entries, or the member's
 * request to undo the import. Both travel keyed by user on one topic, so the worker sees an undo after every chunk
 * of its import.
 *
 * @param sequence 0-based position of this chunk in its import
 * @param lastChunk true on the final chunk, so the worker knows when the import is complete
 * @param undo true: the member withdrew the import; the worker removes every play it added (never a polled play
 *        or another import's), everywhere they went, and ignores its chunks from now on. No entries. Absent in older
 *        messages: false
 */
public record ImportChunk(
        int schemaVersion,
        String importId,
        String userId,
        int sequence,
        boolean lastChunk,
        List<ImportEntry> entries,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) Boolean undo) {

    public static final int CURRENT_VERSION = 1;

    public ImportChunk {
        Contracts.requireVersion(schemaVersion);
        Contracts.requireText(importId, "importId");
        Contracts.requireText(userId, "userId");
        Contracts.requireNotNegative(sequence, "sequence");
        entries = Contracts.requireList(entries, "entries");
        undo = Boolean.TRUE.equals(undo);
        if (undo && !entries.isEmpty()) {
            throw new IllegalArgumentException("an undo carries no entries");
        }
    }

    /** A slice of the import's entries. */
    public ImportChunk(
            int schemaVersion,
            String importId,
            String userId,
            int sequence,
            boolean lastChunk,
            List<ImportEntry> entries) {
        this(schemaVersion, importId, userId, sequence, lastChunk, entries, false);
    }

    /** The member's request to undo the import. */
    public static ImportChunk undo(String importId, String userId) {
        return new ImportChunk(CURRENT_VERSION, importId, userId, 0, true, List.of(), true);
    }
}
