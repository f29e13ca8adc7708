package io.audiospective.scheduler.service;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.model.BatchReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The scheduler's Micrometer meters (Prometheus names in brackets): users due
 * ({@code scheduler_users_due_total{kind}}), published ({@code scheduler_users_published_total{reason}}),
 * skipped ({@code scheduler_users_skipped_total{reason}}), batches ({@code scheduler_batches_published_total{reason}}:
 * batches per minute is its rate), lag from slot to publication ({@code scheduler_publish_lag_seconds}), windows
 * published and failed, and how far the watermark trails the clock ({@code scheduler_watermark_lag_seconds}).
 */
@ApplicationScoped
public class SchedulerMetrics {

    private final MeterRegistry registry;
    private final Timer lag;
    private final AtomicLong watermarkLagMillis = new AtomicLong();

    SchedulerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.lag = Timer.builder("scheduler.publish.lag")
                .description("Time from a user's slot (or extra-poll time) to the publication of their batch")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        registry.gauge("scheduler.watermark.lag.seconds", watermarkLagMillis, value -> value.get() / 1000.0);
    }

    void due(String kind, int users) {
        counter("scheduler.users.due", "kind", kind).increment(users);
    }

    void published(BatchReason reason, int users, int batches) {
        counter("scheduler.users.published", "reason", reason.name()).increment(users);
        counter("scheduler.batches.published", "reason", reason.name()).increment(batches);
    }

    void skipped(Map<String, Integer> byReason) {
        byReason.forEach((reason, users) ->
                counter("scheduler.users.skipped", "reason", reason).increment(users));
    }

    void lag(Duration lagOfOneUser) {
        lag.record(lagOfOneUser.isNegative() ? Duration.ZERO : lagOfOneUser);
    }

    void window(String outcome) {
        counter("scheduler.windows", "outcome", outcome).increment();
    }

    void watermarkLag(Duration behind) {
        watermarkLagMillis.set(Math.max(0, behind.toMillis()));
    }

    void outcome(String result) {
        counter("scheduler.outcomes.applied", "result", result).increment();
    }

    private Counter counter(String name, String tag, String value) {
        return Counter.builder(name).tag(tag, value).register(registry);
    }
}
