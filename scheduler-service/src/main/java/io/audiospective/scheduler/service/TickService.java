package io.audiospective.scheduler.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.audiospective.model.ArchiveBatch;
import io.audiospective.model.BatchReason;
import io.audiospective.scheduler.ScheduleStatus;
import io.audiospective.scheduler.SchedulerInstance;
import io.audiospective.scheduler.Slots;
import io.audiospective.scheduler.TickReport;
import io.audiospective.scheduler.WindowResult;
import io.audiospective.scheduler.config.SchedulerConfig;
import io.audiospective.scheduler.messaging.BatchPublisher;
import io.audiospective.scheduler.repository.ScheduledUserRepository;
import io.audiospective.scheduler.repository.ScheduledUserRepository.Candidate;
import io.audiospective.scheduler.repository.SchedulerStateRepository;
import io.audiospective.scheduler.repository.SchedulerStateRepository.LaneState;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;

/**
 * Publishes the due users window by window. Each window is one transaction that locks the lane's state row
 * ({@code FOR UPDATE SKIP LOCKED}: a second replica does not wait, it skips), publishes the window's batches to
 * Kafka and waits for the acknowledgements, then advances the lane's watermark past the window. So at most one
 * replica publishes at a time, every window is published by exactly one committed transaction, and a replica
 * that dies mid-window leaves the watermark where it was for the next one. Kafka and PostgreSQL cannot commit
 * together: a replica dying between Kafka's acknowledgement and the commit makes the window go out again, with
 * the same deterministic batch ids for its slot batches ({@code lane:windowStart:slot:index}).
 * Created at start-up (no I/O in the constructor) so that an invalid configuration stops the service at once.
 */
@ApplicationScoped
@Startup
public class TickService {

    private static final Logger LOG = Logger.getLogger(TickService.class);
    private static final Duration WINDOW_HISTORY = Duration.ofDays(7);

    private final ScheduledUserRepository users;
    private final SchedulerStateRepository state;
    private final BatchPublisher publisher;
    private final SchedulerMetrics metrics;
    private final SchedulerConfig config;
    private final SchedulerInstance localInstance;

    TickService(
            ScheduledUserRepository users,
            SchedulerStateRepository state,
            BatchPublisher publisher,
            SchedulerMetrics metrics,
            SchedulerConfig config) {
        validate(config);
        this.users = users;
        this.state = state;
        this.publisher = publisher;
        this.metrics = metrics;
        this.config = config;
        this.localInstance = new SchedulerInstance(
                config.instanceId()
                        .or(() -> Optional.ofNullable(System.getenv("HOSTNAME")).filter(name -> !name.isBlank()))
                        .orElseGet(() -> "scheduler-" + UUID.randomUUID()),
                config.lane());
    }

    static void validate(SchedulerConfig config) {
        Duration period = config.pollingPeriod();
        Duration window = config.windowLength();
        if (window.toMillis() <= 0 || period.toMillis() % window.toMillis() != 0) {
            throw new IllegalArgumentException("audiospective.scheduler.polling-period (" + period
                    + ") must be a whole number of audiospective.scheduler.window-length (" + window + ")");
        }
        if (period.compareTo(Slots.MAX_PERIOD) > 0) {
            throw new IllegalArgumentException(
                    "audiospective.scheduler.polling-period must be at most " + Slots.MAX_PERIOD + ", was " + period);
        }
        if (config.batchSize() < 1 || config.batchSize() > ArchiveBatch.MAX_USERS) {
            throw new IllegalArgumentException("audiospective.scheduler.batch-size must be 1 to "
                    + ArchiveBatch.MAX_USERS + ", was " + config.batchSize());
        }
        if (config.maxWindowsPerTick() < 1) {
            throw new IllegalArgumentException("audiospective.scheduler.max-windows-per-tick must be at least 1");
        }
    }

    /** This replica. */
    public SchedulerInstance localInstance() {
        return localInstance;
    }

    /**
     * Publishes every window of {@code instance}'s lane that has ended by {@code now} and is not published yet,
     * at most {@code max-windows-per-tick} of them. Throws when Kafka did not take a window; windows published
     * before it in this tick stay published.
     */
    public TickReport tick(SchedulerInstance instance, Instant now) {
        QuarkusTransaction.requiringNew().run(() -> state.ensureLane(instance.lane()));
        List<WindowResult> published = new ArrayList<>();
        int transactionTimeout = (int) config.publishTimeout().plusSeconds(30).toSeconds();
        while (published.size() < config.maxWindowsPerTick()) {
            Attempt attempt;
            try {
                attempt = QuarkusTransaction.requiringNew()
                        .timeout(transactionTimeout)
                        .call(() -> publishNextWindow(instance, now));
            } catch (RuntimeException e) {
                metrics.window("failed");
                throw e;
            }
            if (attempt.result() == null) {
                return new TickReport(attempt.status(), published);
            }
            published.add(attempt.result());
            record(attempt.result());
            attempt.lags().forEach(metrics::lag);
        }
        return new TickReport(TickReport.Status.WINDOW_LIMIT, published);
    }

    /** Lags are recorded only once the window's transaction committed. */
    private record Attempt(TickReport.Status status, WindowResult result, List<Duration> lags) {

        Attempt(TickReport.Status status) {
            this(status, null, List.of());
        }
    }

    private Attempt publishNextWindow(SchedulerInstance instance, Instant now) {
        Duration period = config.pollingPeriod();
        Duration window = config.windowLength();
        Optional<LaneState> lane =
                state.lock(instance.lane(), config.publishTimeout().plusSeconds(30));
        if (lane.isEmpty()) {
            return new Attempt(TickReport.Status.LANE_BUSY);
        }
        Instant nowFloor = Slots.floor(now, window);
        Instant start = lane.get().publishedUntil() == null
                ? nowFloor.minus(window)
                : lane.get().publishedUntil();
        Instant earliest = nowFloor.minus(period);
        if (start.isBefore(earliest)) {
            // Every user's slot recurs within the last period: older missed windows would only repeat users.
            LOG.warnf(
                    "Lane %s was published only up to %s; catching up from %s, one period back",
                    instance.lane(), start, earliest);
            start = earliest;
        }
        Instant end = start.plus(window);
        if (end.isAfter(nowFloor)) {
            metrics.watermarkLag(Duration.between(start, now));
            return new Attempt(TickReport.Status.UP_TO_DATE);
        }
        BatchReason slotReason = end.equals(nowFloor) ? BatchReason.SCHEDULED : BatchReason.CATCH_UP;

        List<Candidate> slotUsers = users.inSlotRange(Slots.keysDueIn(start, end, period));
        List<Candidate> extras = users.extraPollsDueBefore(end);
        Map<String, Integer> skipped = new TreeMap<>();
        Set<String> inWindow = new HashSet<>();
        List<String> dueBySlot = new ArrayList<>();
        List<String> notPollable = new ArrayList<>();
        Map<BatchReason, List<String>> dueExtra = new EnumMap<>(BatchReason.class);
        List<Duration> lags = new ArrayList<>();
        for (Candidate user : slotUsers) {
            inWindow.add(user.userId());
            String skip = skipReason(user, now);
            if (skip != null) {
                skipped.merge(skip, 1, Integer::sum);
                if (user.status() == ScheduleStatus.NEEDS_REAUTH && user.extraPollAt() != null) {
                    notPollable.add(user.userId());
                }
            } else {
                dueBySlot.add(user.userId());
                lags.add(Duration.between(Slots.slotInPeriodOf(user.slotKey(), start, period), now));
            }
        }
        for (Candidate user : extras) {
            if (inWindow.contains(user.userId())) {
                continue;
            }
            String skip = skipReason(user, now);
            if (skip != null) {
                skipped.merge(skip, 1, Integer::sum);
                if (user.status() == ScheduleStatus.NEEDS_REAUTH) {
                    notPollable.add(user.userId());
                }
            } else {
                dueExtra.computeIfAbsent(user.extraPollReason().batchReason(), reason -> new ArrayList<>())
                        .add(user.userId());
                lags.add(Duration.between(user.extraPollAt(), now));
            }
        }

        List<ArchiveBatch> batches = new ArrayList<>();
        String prefix = instance.lane() + ":" + start + ":";
        addBatches(batches, prefix + "slot:", start, slotReason, dueBySlot);
        for (Map.Entry<BatchReason, List<String>> extra : dueExtra.entrySet()) {
            addBatches(
                    batches,
                    prefix + "extra-" + extra.getKey().name().toLowerCase() + ":",
                    start,
                    extra.getKey(),
                    extra.getValue());
        }

        publisher.publish(batches, config.publishTimeout());

        List<String> written = new ArrayList<>(notPollable);
        batches.forEach(batch -> written.addAll(batch.userIds()));
        users.lockInIdOrder(written);
        for (ArchiveBatch batch : batches) {
            users.markPublished(batch.userIds(), batch.batchId(), batch.reason().name(), now, end);
        }
        if (!notPollable.isEmpty()) {
            users.clearExtraPolls(notPollable, end);
        }
        int published =
                batches.stream().mapToInt(batch -> batch.userIds().size()).sum();
        state.recordTick(instance.lane(), end, now, instance.id());
        state.recordWindow(
                instance.lane(), start, end, slotReason.name(), published, batches.size(), now, instance.id());
        if (start.equals(Slots.periodStart(start, period))) {
            state.pruneWindows(instance.lane(), now.minus(WINDOW_HISTORY));
        }
        metrics.watermarkLag(Duration.between(end, now));
        return new Attempt(
                null,
                new WindowResult(
                        instance.lane(),
                        instance.id(),
                        start,
                        end,
                        now,
                        slotReason,
                        slotUsers.size(),
                        extras.size(),
                        List.copyOf(batches),
                        Map.copyOf(skipped)),
                lags);
    }

    /** Why the user is not polled now, or null when they are. */
    private static String skipReason(Candidate user, Instant now) {
        if (user.status() == ScheduleStatus.NEEDS_REAUTH) {
            return "needs_reauth";
        }
        if (user.backoffUntil() != null && user.backoffUntil().isAfter(now)) {
            return "backoff_"
                    + (user.failureKind() == null
                            ? "unknown"
                            : user.failureKind().name().toLowerCase());
        }
        return null;
    }

    private void addBatches(
            List<ArchiveBatch> batches,
            String idPrefix,
            Instant scheduledFor,
            BatchReason reason,
            List<String> userIds) {
        int size = config.batchSize();
        for (int from = 0, index = 0; from < userIds.size(); from += size, index++) {
            batches.add(ArchiveBatch.of(
                    idPrefix + index,
                    scheduledFor,
                    reason,
                    userIds.subList(from, Math.min(userIds.size(), from + size))));
        }
    }

    private void record(WindowResult result) {
        metrics.window(result.slotReason().name().toLowerCase());
        metrics.due("slot", result.slotUsersDue());
        metrics.due("extra", result.extraPollsDue());
        metrics.skipped(result.skipped());
        Map<BatchReason, int[]> byReason = new EnumMap<>(BatchReason.class);
        for (ArchiveBatch batch : result.batches()) {
            int[] counts = byReason.computeIfAbsent(batch.reason(), reason -> new int[2]);
            counts[0] += batch.userIds().size();
            counts[1]++;
        }
        byReason.forEach((reason, counts) -> metrics.published(reason, counts[0], counts[1]));
    }
}
