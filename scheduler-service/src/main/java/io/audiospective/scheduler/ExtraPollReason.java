package io.audiospective.scheduler;

import io.audiospective.model.BatchReason;

/** Why a user is polled outside their slot. */
public enum ExtraPollReason {
    /** The last poll was full or the user is listening right now. */
    HEAVY_LISTENER(BatchReason.HEAVY_LISTENER),
    /** The last poll failed; the user is polled again when the backoff ends. */
    RETRY(BatchReason.SCHEDULED);

    private final BatchReason batchReason;

    ExtraPollReason(BatchReason batchReason) {
        this.batchReason = batchReason;
    }

    public BatchReason batchReason() {
        return batchReason;
    }
}
