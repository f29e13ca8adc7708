package io.audiospective.archive.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.audiospective.archive.config.ArchiveConfig;
import io.audiospective.archive.messaging.OutcomePublisher;
import io.audiospective.model.ArchiveBatch;
import io.audiospective.model.ArchiveOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Polls the users of a batch concurrently (bounded) and in isolation, publishes each outcome, and returns only
 * when every user is done, so the batch's offset is committed after the work.
 */
@ApplicationScoped
public class BatchProcessor {

    private static final Logger LOG = Logger.getLogger(BatchProcessor.class);

    private final UserPoller poller;
    private final OutcomePublisher outcomes;
    private final MeterRegistry metrics;
    private final ExecutorService pool;

    BatchProcessor(UserPoller poller, OutcomePublisher outcomes, ArchiveConfig config, MeterRegistry metrics) {
        this.poller = poller;
        this.outcomes = outcomes;
        this.metrics = metrics;
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(
                config.userConcurrency(),
                runnable -> new Thread(runnable, "archive-user-" + threads.incrementAndGet()));
    }

    public BatchStats process(ArchiveBatch batch) {
        Timer.Sample started = Timer.start(metrics);
        List<CompletableFuture<ArchiveOutcome>> polls = new ArrayList<>();
        for (String userId : batch.userIds()) {
            polls.add(CompletableFuture.supplyAsync(() -> poller.poll(batch, userId), pool));
        }
        List<ArchiveOutcome> done = polls.stream()
                .map(CompletableFuture::join)
                .filter(Objects::nonNull)
                .toList();
        // Outcomes are awaited: a batch whose outcomes did not reach Kafka is redelivered, not committed.
        CompletableFuture.allOf(done.stream()
                        .map(o -> outcomes.publish(o).toCompletableFuture())
                        .toArray(CompletableFuture[]::new))
                .join();
        started.stop(metrics.timer("archive.batch.duration"));
        BatchStats stats = BatchStats.of(batch, done);
        LOG.infof(
                "Batch %s (%s, %d users): %s",
                batch.batchId(), batch.reason(), batch.userIds().size(), stats);
        return stats;
    }

    @PreDestroy
    void shutdown() {
        pool.shutdownNow();
    }

    /** What one batch did. */
    public record BatchStats(int users, int polled, int skipped, int succeeded, int failed, int newPlays) {

        static BatchStats of(ArchiveBatch batch, List<ArchiveOutcome> outcomes) {
            int succeeded =
                    (int) outcomes.stream().filter(ArchiveOutcome::succeeded).count();
            return new BatchStats(
                    batch.userIds().size(),
                    outcomes.size(),
                    batch.userIds().size() - outcomes.size(),
                    succeeded,
                    outcomes.size() - succeeded,
                    outcomes.stream().mapToInt(ArchiveOutcome::newPlays).sum());
        }

        @Override
        public String toString() {
            return polled + " polled, " + skipped + " skipped as already done, " + succeeded + " ok, " + failed
                    + " failed, " + newPlays + " new plays";
        }
    }
}
