package io.audiospective.api.repository;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

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
 * Statistics answers (their JSON) shared by every replica through Redis. Each member and request has one slot, which
 * holds the answer with the identity it was computed for: the version of the member's read model, the generation, the
 * zone and the local date. An answer is served only under the identity it names, so it is right for as long as it
 * exists: a new play, a zone change or a replay switch-over moves to a new identity and the slot's next answer
 * replaces the old one. The slot's name needs nothing from the database, so its lookup is sent before the member's
 * state is read ({@link #lookUp}) and the two round trips overlap. Redis is an accelerator only: a lookup that fails
 * or takes longer than the timeout is a miss, and after one Redis is left alone for a pause, so an outage costs each
 * request at most one timeout per pause. Each process also keeps the answers it read or computed (bounded by
 * {@code local-size}), under slot and identity, so a repeated read is answered from memory.
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

    /** The slot of one request's answers; {@code request} is the path and query as sent (hashed: keys stay short). */
    public static String slot(String userId, String request) {
        return PREFIX + userId + ":" + sha256(request);
    }

    /** What an answer was computed from: the member's read-model version and generation, their zone and local date. */
    public static String identity(long version, int generation, String zone, String today) {
        return version + ":" + generation + ":" + zone + ":" + today;
    }

    /** A slot's Redis read, sent before its answer's identity is known; {@code stored} is null when Redis is not asked. */
    public record Lookup(String slot, CompletableFuture<String> stored) {}

    /** Sends the slot's Redis read and returns at once: the caller reads the member's state meanwhile. */
    public Lookup lookUp(String slot) {
        if (!usable()) {
            return new Lookup(slot, null);
        }
        return new Lookup(
                slot, values.get(slot).ifNoItem().after(config.timeout()).fail().subscribeAsCompletionStage());
    }

    /**
     * The slot's answer for {@code identity}: kept by this process, or stored in Redis under that identity. Empty when
     * there is none, the cache is off, Redis holds another identity's answer or does not answer in time.
     */
    public Optional<String> get(Lookup lookup, String identity) {
        Optional<String> kept = getLocal(lookup.slot(), identity);
        if (kept.isPresent() || lookup.stored() == null) {
            return kept;
        }
        String stored;
        try {
            stored = lookup.stored().join();
        } catch (CompletionException | CancellationException e) {
            pause(e.getCause() == null ? e : e.getCause());
            return Optional.empty();
        }
        String prefix = identity + "\n";
        if (stored == null || !stored.startsWith(prefix)) {
            misses.increment();
            return Optional.empty();
        }
        hits.increment();
        String json = stored.substring(prefix.length());
        local.put(localKey(lookup.slot(), identity), json);
        return Optional.of(json);
    }

    /** The answer when this process holds it: never waits for Redis, so a non-blocking caller may ask. */
    public Optional<String> getLocal(String slot, String identity) {
        if (!config.enabled()) {
            return Optional.empty();
        }
        String kept = local.getIfPresent(localKey(slot, identity));
        if (kept != null) {
            localHits.increment();
        }
        return Optional.ofNullable(kept);
    }

    /** Stores an answer without waiting for Redis: the caller has its answer already. */
    public void put(String slot, String identity, String json) {
        if (!config.enabled()) {
            return;
        }
        local.put(localKey(slot, identity), json);
        if (!usable()) {
            return;
        }
        values.setex(slot, Math.max(1, config.ttl().toSeconds()), identity + "\n" + json)
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

    private static String localKey(String slot, String identity) {
        return slot + "|" + identity;
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
