package io.audiospective.archive.client;

/** A failure worth retrying soon: unreachable, timed out or 5xx. */
public class TransientFailureException extends RuntimeException {

    public TransientFailureException(String message) {
        super(message);
    }
}
