package io.audiospective.auth.client;

/**
 * A refresh was sent but its answer never came (read timeout, connection lost): Spotify may or may not have rotated
 * the token. Retryable later, never retried in place, and never a reason to ask the member to sign in again.
 */
public class RefreshOutcomeUnknownException extends RuntimeException {

    public RefreshOutcomeUnknownException(String message) {
        super(message);
    }
}
