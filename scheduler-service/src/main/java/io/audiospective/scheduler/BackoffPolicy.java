package io.audiospective.scheduler;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import io.audiospective.model.FailureKind;

/**
 * The circuit breaker of one user: after a failed poll the user waits {@code base * 2^(n-1)}, capped at
 * {@code max}, where n counts consecutive failures of the same kind. A 429 waits what Spotify's Retry-After said.
 */
public final class BackoffPolicy {

    private final Map<FailureKind, Step> steps;

    public BackoffPolicy(Map<FailureKind, Step> steps) {
        for (FailureKind kind : FailureKind.values()) {
            Step step = steps.get(kind);
            if (step == null) {
                throw new IllegalArgumentException("No backoff configured for " + kind);
            }
            if (step.base().isNegative() || step.base().isZero() || step.max().compareTo(step.base()) < 0) {
                throw new IllegalArgumentException("Backoff for " + kind + " needs 0 < base <= max, was " + step);
            }
        }
        this.steps = new EnumMap<>(steps);
    }

    /**
     * @param consecutiveFailures failures of this kind in a row, including this one (1 for the first)
     * @param retryAfterSeconds what a 429 reported, or null
     */
    public Duration backoff(FailureKind kind, int consecutiveFailures, Long retryAfterSeconds) {
        if (kind == FailureKind.RATE_LIMITED && retryAfterSeconds != null) {
            return Duration.ofSeconds(Math.max(1, retryAfterSeconds));
        }
        Step step = steps.get(kind);
        Duration backoff = step.base();
        for (int i = 1; i < consecutiveFailures && backoff.compareTo(step.max()) < 0; i++) {
            backoff = backoff.multipliedBy(2);
        }
        return backoff.compareTo(step.max()) > 0 ? step.max() : backoff;
    }

    public record Step(Duration base, Duration max) {}
}
