package io.audiospective.api.repository;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.audiospective.api.config.ApiConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.client.RedisClientName;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;

/**
 * Statistics answers (their JSON) shared by every replica through Redis. A key names the member, the version of
 * their read model, the generation, the zone, the local date and the request, so a stored answer is right for as
 * long as it exists: a new play, a zone change or a replay switch-over moves to new keys, and the old ones expire
 * after the TTL. Redis is an accelerator only: a lookup that fails or takes longer than the timeout is a miss, and
 * after one Redis is left alone for a pause, so an outage costs each request at most one timeout per pause. Each
 * process also keeps the answers it read or computed (bounded by {@code local-size}): the same key always names the
 * same answer, so a repeated read is answered from memory.
 */
@ApplicationScoped
public class StatsAnswerCache {

    static final String PREFIX = "audiospective:api:stats:";

    private static final Logger LOG = Logger.getLogger(StatsAnswerCache.class);

    private final ReactiveValueCommands<String, String> values;
    private final ApiConfig.StatsCache config;
    private final Clock clock;
    private final Cache<String, String> local;
    private final Counter localHits;
    private final Counter hits;
    private final Counter misses;
    private final Counter failures;
    private volatile Instant pausedUntil = Instant.MIN;

    StatsAnswerCache(
            @RedisClientName("stats-cache") ReactiveRedisDataSource redis,
            ApiConfig config,
            Clock clock,
            MeterRegistry metrics) {
        this.values = redis.value(String.class);
        this.config = config.statsCache();
        this.clock = clock;
        this.local = Caffeine.newBuilder()
                .maximumWeight(this.config.localSize().asLongValue())
                .weigher((String key, String json) -> 2 * (key.length() + json.length()))
                .expireAfterWrite(this.config.ttl())
                .build();
        this.localHits = metrics.counter("audiospective.stats.cache", "result", "local-hit");
        this.hits = metrics.counter("audiospective.stats.cache", "result", "hit");
        this.misses = metrics.counter("audiospective.stats.cache", "result", "miss");
        this.failures = metrics.counter("audiospective.stats.cache", "result", "unavailable");
    }

    /** The key of one answer; {@code request} is the path and query as sent (hashed, so keys stay short). */
    public static String key(String userId, long version, int generation, String zone, String today, String request) {
        return PREFIX + userId + ":" + version + ":" + generation + ":" + zone + ":" + today + ":" + sha256(request);
    }

    /** The stored answer, or empty when there is none, the cache is off or Redis does not answer in time. */
    public Optional<String> get(String key) {
        Optional<String> kept = getLocal(key);
        if (kept.isPresent() || !usable()) {
            return kept;
        }
        try {
            String json = values.get(key).await().atMost(config.timeout());
            (json == null ? misses : hits).increment();
            if (json != null) {
                local.put(key, json);
            }
            return Optional.ofNullable(json);
        } catch (RuntimeException e) {
            pause(e);
            return Optional.empty();
        }
    }

    /** The answer when this process holds it: never waits for Redis, so a non-blocking caller may ask. */
    public Optional<String> getLocal(String key) {
        if (!config.enabled()) {
            return Optional.empty();
        }
        String kept = local.getIfPresent(key);
        if (kept != null) {
            localHits.increment();
        }
        return Optional.ofNullable(kept);
    }

    /** Stores an answer without waiting for Redis: the caller has its answer already. */
    public void put(String key, String json) {
        if (!config.enabled()) {
            return;
        }
        local.put(key, json);
        if (!usable()) {
            return;
        }
        values.setex(key, Math.max(1, config.ttl().toSeconds()), json)
                .subscribe()
                .with(ok -> {}, this::pause);
    }

    private boolean usable() {
        return config.enabled() && !clock.instant().isBefore(pausedUntil);
    }

    private void pause(Throwable failure) {
        failures.increment();
        Instant now = clock.instant();
        if (!now.isBefore(pausedUntil)) {
            LOG.warnf(
                    "Statistics answers are computed without the Redis cache for %s: %s",
                    config.pauseAfterFailure(), failure.toString());
        }
        pausedUntil = now.plus(config.pauseAfterFailure());
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
