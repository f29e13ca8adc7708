package io.audiospective.model;

import java.util.List;

/**
 * Topic {@value Topics#IMPORTS}, key {@code userId}: a consecutive slice of one import job's entries.
 *
 * @param sequence 0-based position of this chunk in its import
 * @param lastChunk true on the final chunk, so the worker knows when the import is complete
 */
public record ImportChunk(int schemaVersion, String importId, String userId, int sequence, boolean lastChunk,
        List<ImportEntry> entries) {

    public static final int CURRENT_VERSION = 1;

    public ImportChunk {
        Contracts.requireVersion(schemaVersion);
        Contracts.requireText(importId, "importId");
        Contracts.requireText(userId, "userId");
        Contracts.requireNotNegative(sequence, "sequence");
        entries = Contracts.requireList(entries, "entries");
    }
}
