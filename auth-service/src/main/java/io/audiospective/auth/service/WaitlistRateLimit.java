package io.audiospective.auth.service;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.audiospective.auth.config.AuthConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

/**
 * Waitlist sign-ups per client in a fixed window, counted in Redis so every replica shares the count. One atomic
 * script increments the client's counter, starts its window on the first sign-up and tells how long the window has
 * left.
 */
@ApplicationScoped
public class WaitlistRateLimit {

    private static final Logger LOG = Logger.getLogger(WaitlistRateLimit.class);

    private static final String COUNT = """
            local n = redis.call('INCR', KEYS[1])
            if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
            return {n, redis.call('TTL', KEYS[1])}""";

    private final ReactiveRedisDataSource redis;
    private final AuthConfig.Waitlist config;

    WaitlistRateLimit(ReactiveRedisDataSource redis, AuthConfig config) {
        this.redis = redis;
        this.config = config.waitlist();
    }

    /**
     * Counts one sign-up of the client: empty when it is within the limit, else how long until the client may sign
     * up again. Without Redis the sign-up goes through (the waitlist matters more than the limit).
     */
    public Uni<Duration> retryAfter(String client) {
        return redis.execute(
                        "EVAL",
                        COUNT,
                        "1",
                        config.keyPrefix() + client,
                        Long.toString(config.window().toSeconds()))
                .map(result -> result.get(0).toLong() <= config.maxPerClient()
                        ? Duration.ZERO
                        : Duration.ofSeconds(Math.max(1, result.get(1).toLong())))
                .onFailure()
                .recoverWithItem(e -> {
                    LOG.warnf("Waitlist rate limit not checked (Redis: %s)", e.getMessage());
                    return Duration.ZERO;
                });
    }
}
