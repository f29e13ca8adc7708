package io.audiospective.archive.client;

import java.time.Duration;

/**
 * Spotify answered 429, or a pause another call set is still pending; every worker pauses for
 * {@link #retryAfter()}. A pause for an exceeded quota says so, whichever call was told.
 */
public class RateLimitedException extends RuntimeException {

    private final Duration retryAfter;
    private final boolean quotaExceeded;

    public RateLimitedException(Duration retryAfter, boolean quotaExceeded) {
        super((quotaExceeded ? "Spotify quota exceeded" : "Spotify rate limit") + ": retry after "
                + retryAfter.toSeconds() + " s");
        this.retryAfter = retryAfter;
        this.quotaExceeded = quotaExceeded;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    public boolean quotaExceeded() {
        return quotaExceeded;
    }
}
