package io.audiospective.archive.client;

import io.audiospective.model.FailureKind;

/** A user's poll cannot succeed now; the kind decides the scheduler's backoff. */
public class PollFailedException extends RuntimeException {

    private final FailureKind kind;
    private final Long retryAfterSeconds;

    public PollFailedException(FailureKind kind, Long retryAfterSeconds, String detail) {
        super(detail);
        this.kind = kind;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public FailureKind kind() {
        return kind;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
