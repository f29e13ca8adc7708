package io.audiospective.model;

import java.time.Instant;

/**
 * Topic {@value Topics#IMPORT_OUTCOMES}, key {@code userId}: an import job of api-service ended, DONE or FAILED.
 * Written by api-service in the transaction that ends the job (an outbox), so each job's end is published at least
 * once; auth-service mails the member about it once per job and result.
 *
 * @param result how the job ended
 * @param finishedAt when the job ended
 * @param entriesRead entries of the uploaded files read
 * @param imported entries archived as new plays
 * @param duplicates entries that matched a play already archived
 * @param failed entries that could not be archived
 * @param unmatched entries of account-data files that matched no track
 * @param error why a FAILED job failed and what the member can do, in plain words; null for DONE
 */
public record ImportOutcome(
        int schemaVersion,
        String importId,
        String userId,
        Result result,
        Instant finishedAt,
        long entriesRead,
        long imported,
        long duplicates,
        long failed,
        long unmatched,
        String error) {

    public static final int CURRENT_VERSION = 1;

    /** How an import job ended. */
    public enum Result {
        /** Every chunk was processed and every entry archived or counted. */
        DONE,
        /** Sending the chunks to the worker stopped; {@link ImportOutcome#error()} says why. */
        FAILED
    }

    public ImportOutcome {
        Contracts.requireVersion(schemaVersion);
        Contracts.requireText(importId, "importId");
        Contracts.requireText(userId, "userId");
        Contracts.require(result, "result");
        Contracts.require(finishedAt, "finishedAt");
        Contracts.requireNotNegative(entriesRead, "entriesRead");
        Contracts.requireNotNegative(imported, "imported");
        Contracts.requireNotNegative(duplicates, "duplicates");
        Contracts.requireNotNegative(failed, "failed");
        Contracts.requireNotNegative(unmatched, "unmatched");
        if (result == Result.FAILED) {
            Contracts.requireText(error, "error of a FAILED import");
        }
    }
}
