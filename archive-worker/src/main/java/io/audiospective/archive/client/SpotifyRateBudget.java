package io.audiospective.archive.client;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.archive.config.ArchiveConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;

/**
 * One request budget for the Spotify app, shared by every worker through Redis: a fixed 30 s window counter
 * (Spotify limits per app over a rolling 30 s), and a pause that a 429 sets for its Retry-After so that every
 * worker waits, not just the one that was told.
 */
@ApplicationScoped
public class SpotifyRateBudget {

    static final String PAUSE_KEY = "spotify:rate:pause-until";
    /** The end of the last quota pause: the pending pause is for the quota when it ends at that same instant. */
    static final String QUOTA_KEY = "spotify:rate:pause-quota";

    private static final String WINDOW_KEY = "spotify:rate:window:";
    private static final long WINDOW_MS = 30_000;
    /**
     * One round trip per request instead of three: a pending pause is answered as its remaining milliseconds,
     * negated; otherwise the window's counter is counted up (expiring with the window) and its new value answered.
     * KEYS: pause, window counter; ARGV: now (ms), counter TTL (ms).
     */
    private static final String ACQUIRE = """
            local pause = tonumber(redis.call('GET', KEYS[1]) or '0') - tonumber(ARGV[1])
            if pause > 0 then return -pause end
            local used = redis.call('INCR', KEYS[2])
            if used == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
            return used
            """;

    private final RedisDataSource redis;
    private final ValueCommands<String, Long> values;
    private final int requestsPerWindow;
    private final Duration maxWait;
    private final Clock clock;
    private final Counter waits;

    SpotifyRateBudget(RedisDataSource redis, ArchiveConfig config, Clock clock, MeterRegistry metrics) {
        this.redis = redis;
        this.values = redis.value(Long.class);
        this.requestsPerWindow = config.spotify().requestsPerWindow();
        this.maxWait = config.spotify().maxRateLimitWait();
        this.clock = clock;
        this.waits = metrics.counter("spotify.rate.budget.waits");
    }

    /** How long every worker must still wait after a 429, zero if none is pending. */
    public Duration pauseRemaining() {
        Long until = values.get(PAUSE_KEY);
        long remaining = until == null ? 0 : until - clock.millis();
        return Duration.ofMillis(Math.max(0, remaining));
    }

    /**
     * Waits until a request may be sent: no pause pending and room in the current window. A pause longer than
     * the configured maximum wait is not waited out here: the caller gets a {@link RateLimitedException} and
     * ends its poll as RATE_LIMITED, so no batch sits for minutes.
     */
    public void acquire() throws InterruptedException {
        while (true) {
            long now = clock.millis();
            long window = now / WINDOW_MS;
            long answer = redis.execute(
                            "EVAL",
                            ACQUIRE,
                            "2",
                            PAUSE_KEY,
                            WINDOW_KEY + window,
                            Long.toString(now),
                            Long.toString(2 * WINDOW_MS))
                    .toLong();
            if (answer < 0) {
                Duration pause = Duration.ofMillis(-answer);
                if (pause.compareTo(maxWait) > 0) {
                    // whole seconds, rounded up: the scheduler must not come back before the pause is over
                    throw new RateLimitedException(Duration.ofSeconds((pause.toMillis() + 999) / 1000), isQuotaPause());
                }
                waits.increment();
                Thread.sleep(pause.toMillis());
                continue;
            }
            if (answer <= requestsPerWindow) {
                return;
            }
            waits.increment();
            Thread.sleep((window + 1) * WINDOW_MS - now);
        }
    }

    /** Whether less than half of the current window's budget is used and no pause is pending. */
    public boolean hasSpareCapacity() {
        Long used = values.get(WINDOW_KEY + clock.millis() / WINDOW_MS);
        return pauseRemaining().isZero() && (used == null || used < requestsPerWindow / 2);
    }

    /**
     * Every worker waits {@code retryAfter} from now (a later pause already set is kept). A quota pause is marked
     * as such, so that calls refused during it report the quota, not a rate limit.
     */
    public void pause(Duration retryAfter, boolean quotaExceeded) {
        long until = clock.millis() + retryAfter.toMillis();
        Long current = values.get(PAUSE_KEY);
        if (current == null || current < until) {
            if (quotaExceeded) {
                values.set(QUOTA_KEY, until, new SetArgs().px(retryAfter.toMillis()));
            }
            values.set(PAUSE_KEY, until, new SetArgs().px(retryAfter.toMillis()));
        }
    }

    private boolean isQuotaPause() {
        Long quotaUntil = values.get(QUOTA_KEY);
        return quotaUntil != null && quotaUntil.equals(values.get(PAUSE_KEY));
    }
}
