package io.audiospective.archive.service;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.archive.config.ArchiveConfig;
import io.audiospective.model.ArchiveBatch;
import io.audiospective.model.BatchReason;
import io.audiospective.support.MemberKey;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;

/**
 * One Redis key per user and scheduled poll: {@code archive:{userId}:{yyyy-MM-dd-HH}} for the hourly poll (the
 * window is configurable; shorter windows add minutes, or seconds), and {@code archive:{userId}:{batchId}} for extra polls
 * (heavy listeners, manual), which must not be swallowed by the hour's regular poll. While a worker polls, the key holds an in-progress
 * marker with a short TTL; afterwards a done marker for 24 h. Redelivered or duplicated batches skip users that
 * are done or being polled, and retry users whose in-progress marker expired (their worker died).
 */
@ApplicationScoped
public class IdempotencyKeys {

    static final String IN_PROGRESS = "in-progress";
    static final String DONE = "done";
    private static final DateTimeFormatter HOUR =
            DateTimeFormatter.ofPattern("yyyy-MM-dd-HH").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MINUTE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SECOND =
            DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss").withZone(ZoneOffset.UTC);

    private final ValueCommands<String, String> values;
    private final ArchiveConfig.Idempotency config;

    IdempotencyKeys(RedisDataSource redis, ArchiveConfig config) {
        this.values = redis.value(String.class);
        this.config = config.idempotency();
    }

    /** The key of this user's poll in this batch; it names the member by {@link MemberKey} only. */
    public String key(ArchiveBatch batch, String userId) {
        return key(batch, userId, config.window());
    }

    static String key(ArchiveBatch batch, String userId, Duration window) {
        if (batch.reason() != BatchReason.SCHEDULED && batch.reason() != BatchReason.CATCH_UP) {
            return "archive:" + MemberKey.of(userId) + ":" + batch.batchId();
        }
        long windowMs = window.toMillis();
        Instant windowStart =
                Instant.ofEpochMilli(Math.floorDiv(batch.scheduledFor().toEpochMilli(), windowMs) * windowMs);
        DateTimeFormatter format = windowMs % 3_600_000 == 0 ? HOUR : windowMs % 60_000 == 0 ? MINUTE : SECOND;
        return "archive:" + MemberKey.of(userId) + ":" + format.format(windowStart);
    }

    /** True when this worker now owns the poll; false when it is done or another worker is on it. */
    public boolean begin(String key) {
        // SET NX PX GET: one atomic step, so a marker can never be left without its TTL
        return values.setGet(
                        key,
                        IN_PROGRESS,
                        new SetArgs().nx().px(config.inProgressTtl().toMillis()))
                == null;
    }

    public void done(String key) {
        values.set(key, DONE, new SetArgs().px(config.doneTtl().toMillis()));
    }

    /** Lets a later delivery retry the poll. */
    public void release(String key) {
        values.getdel(key);
    }
}
