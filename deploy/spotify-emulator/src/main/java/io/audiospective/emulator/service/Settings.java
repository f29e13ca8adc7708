package io.audiospective.emulator.service;

import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.audiospective.emulator.config.EmulatorConfig;

/** Run-time settings: read on every request, replaced atomically by the control API, effective at once. */
@ApplicationScoped
public class Settings {

    /** How long responses are held back. */
    public record Latency(String distribution, long minMs, long maxMs, long meanMs) {
        public static final Latency NONE = new Latency("none", 0, 0, 0);

        public long sample() {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            return switch (distribution) {
                case "fixed" -> meanMs;
                case "uniform" -> maxMs > minMs ? minMs + r.nextLong(maxMs - minMs + 1) : minMs;
                case "exponential" -> {
                    long v = minMs + (long) (-Math.log(1 - r.nextDouble()) * meanMs);
                    yield maxMs > 0 ? Math.min(v, maxMs) : v;
                }
                default -> 0;
            };
        }

        void check() {
            switch (distribution) {
                case "none", "fixed", "uniform", "exponential" -> {}
                default ->
                    throw new IllegalArgumentException(
                            "latency.distribution must be none, fixed, uniform or exponential");
            }
            if (minMs < 0 || maxMs < 0 || meanMs < 0) {
                throw new IllegalArgumentException("latency values must be >= 0");
            }
        }
    }

    /**
     * @param serverErrorRate share (0..1) of Web API requests answered with a 5xx
     * @param tooManyRequestsRate share (0..1) of Web API requests answered with 429 + Retry-After
     * @param retryAfterSeconds Retry-After of the injected 429s
     * @param quotaExceeded every Web API request gets 429 QUOTA_EXCEEDED
     * @param batchEndpoints the {@code ?ids=} forms exist (extended quota) or not (development mode)
     * @param rateLimitPerWindow accepted requests per client per rolling 30 s; 0 = unlimited
     * @param faultsOnAccounts latency and 5xx also hit {@code POST /api/token}
     * @param removedShare share (0..1) of the catalogue's tracks Spotify no longer serves
     *        ({@link Catalogue#removed(int, double)})
     * @param accountsLatency how long {@code POST /api/token} answers are held back, alone (the Web API keeps
     *        {@code latency}); when none, {@code latency} applies there only with {@code faultsOnAccounts}
     */
    public record Snapshot(
            Latency latency,
            double serverErrorRate,
            double tooManyRequestsRate,
            int retryAfterSeconds,
            boolean quotaExceeded,
            boolean batchEndpoints,
            int rateLimitPerWindow,
            long visibilityLagMs,
            double lateShare,
            long lateMaxDelayMs,
            boolean faultsOnAccounts,
            double removedShare,
            Latency accountsLatency) {

        /** The latency of {@code POST /api/token}. */
        public Latency tokenLatency() {
            if (!"none".equals(accountsLatency.distribution())) {
                return accountsLatency;
            }
            return faultsOnAccounts ? latency : Latency.NONE;
        }

        void check() {
            latency.check();
            accountsLatency.check();
            rate("server_error_rate", serverErrorRate);
            rate("too_many_requests_rate", tooManyRequestsRate);
            rate("late_share", lateShare);
            rate("removed_share", removedShare);
            if (retryAfterSeconds < 0 || rateLimitPerWindow < 0 || visibilityLagMs < 0 || lateMaxDelayMs < 0) {
                throw new IllegalArgumentException("durations, counts and retry_after_seconds must be >= 0");
            }
        }

        private static void rate(String name, double v) {
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException(name + " must be between 0 and 1");
            }
        }
    }

    private final Snapshot defaults;
    private volatile Snapshot current;

    @Inject
    public Settings(EmulatorConfig config) {
        this.defaults = new Snapshot(
                Latency.NONE,
                0,
                0,
                1,
                false,
                !"development".equalsIgnoreCase(config.appMode().trim()),
                config.rateLimitPerWindow(),
                config.listening().visibilityLag().toMillis(),
                config.listening().lateShare(),
                config.listening().lateMaxDelay().toMillis(),
                false,
                config.catalogue().removedShare(),
                Latency.NONE);
        defaults.check();
        this.current = defaults;
    }

    public Snapshot get() {
        return current;
    }

    public Snapshot defaults() {
        return defaults;
    }

    public synchronized Snapshot update(java.util.function.UnaryOperator<Snapshot> change) {
        Snapshot next = change.apply(current);
        next.check();
        current = next;
        return next;
    }

    public synchronized Snapshot reset() {
        current = defaults;
        return current;
    }
}
