package io.audiospective.archive.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

import io.audiospective.archive.config.ArchiveConfig;
import io.audiospective.archive.repository.OutboxRepository;
import io.audiospective.archive.repository.OutboxRepository.StoredPlay;
import io.audiospective.archive.repository.RepublishJobRepository;
import io.audiospective.archive.repository.RepublishJobRepository.Job;
import io.audiospective.archive.repository.RepublishJobRepository.Row;
import io.audiospective.support.BeforeSchemaMigrated;
import io.audiospective.support.messaging.Failures;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;

/**
 * Runs republish jobs ({@code republish_jobs}): archived plays written back onto a plays topic, keyed by member, each
 * encoded by {@link OutboxRepository#events} as the relay encodes them, so every consumer de-duplicates them on
 * (user, played_at) like any repeated delivery. Steps of {@code batch-size} plays in (user, played_at) order: read,
 * send, wait for every acknowledgement, then save the position (the last play written) and renew the lease. A crash
 * or a restart repeats at most one step; another replica, or this one restarted, resumes from the position once the
 * lease is free. One job at a time: the unique index on active jobs and the lease.
 * <p>
 * Kafka or PostgreSQL away: the step is retried on the next round, the position kept. A job whose plays cannot be
 * encoded or that Kafka refuses for what they are (not for an outage) ends {@code FAILED} with the reason.
 */
@ApplicationScoped
public class Republisher {

    private static final Logger LOG = Logger.getLogger(Republisher.class);
    private static final Duration PROGRESS_LOG_EVERY = Duration.ofSeconds(10);

    private final RepublishJobRepository jobs;
    private final OutboxRepository outbox;
    private final KafkaClientService kafka;
    private final ArchiveConfig.Republish config;
    private final String owner = "worker-" + UUID.randomUUID();
    private volatile boolean stopping;

    Republisher(RepublishJobRepository jobs, OutboxRepository outbox, KafkaClientService kafka, ArchiveConfig config) {
        this.jobs = jobs;
        this.outbox = outbox;
        this.kafka = kafka;
        this.config = config.republish();
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    @Scheduled(
            every = "${audiospective.archive.republish.interval:PT2S}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = BeforeSchemaMigrated.class)
    void runClaimedJob() {
        Optional<Job> claimed = QuarkusTransaction.requiringNew().call(() -> jobs.claim(owner, config.lease()));
        if (claimed.isEmpty()) {
            return;
        }
        Job job = claimed.get();
        try {
            run(job);
        } catch (RuntimeException e) {
            if (Failures.classify(e) == Failures.Kind.INFRASTRUCTURE) {
                // the position is kept and the lease ours: the next round carries on from it
                LOG.warnf("Republish job %d waits for Kafka or PostgreSQL: %s", job.id(), Failures.describe(e));
                QuarkusTransaction.requiringNew().run(() -> jobs.noteError(job.id(), owner, Failures.describe(e)));
                return;
            }
            LOG.errorf("Republish job %d failed: %s", job.id(), Failures.describe(e));
            QuarkusTransaction.requiringNew().run(() -> jobs.finish(job.id(), owner, Failures.describe(e)));
        }
    }

    private void run(Job claimed) {
        Job job = claimed;
        if (job.total() == null) {
            long total = QuarkusTransaction.requiringNew().call(() -> jobs.count(claimed));
            QuarkusTransaction.requiringNew().run(() -> jobs.setTotal(claimed.id(), total));
            LOG.infof("Republish job %d started: %d plays to %s", job.id(), total, job.topic());
        } else {
            LOG.infof("Republish job %d resumed after %d plays", job.id(), job.published());
        }
        long started = System.nanoTime();
        long sentHere = 0;
        long nextLog = System.nanoTime() + PROGRESS_LOG_EVERY.toNanos();
        while (!stopping) {
            Job current = job;
            List<Row> rows = QuarkusTransaction.requiringNew().call(() -> jobs.next(current, config.batchSize()));
            if (!rows.isEmpty()) {
                send(encode(current.topic(), rows));
                Row last = rows.get(rows.size() - 1);
                boolean stillOurs = QuarkusTransaction.requiringNew()
                        .call(() -> jobs.advance(current.id(), owner, rows.size(), last, config.lease()));
                if (!stillOurs) {
                    LOG.warnf("Republish job %d was taken over by another replica (lease expired)", current.id());
                    return;
                }
                sentHere += rows.size();
                job = QuarkusTransaction.requiringNew()
                        .call(() -> jobs.find(current.id()))
                        .orElseThrow();
            }
            if (rows.size() < config.batchSize()) {
                QuarkusTransaction.requiringNew().run(() -> jobs.finish(current.id(), owner, null));
                LOG.infof("Republish job %d done: %d plays to %s", current.id(), job.published(), current.topic());
                return;
            }
            if (System.nanoTime() >= nextLog) {
                LOG.infof("Republish job %d: %d of %d plays", job.id(), job.published(), job.total());
                nextLog = System.nanoTime() + PROGRESS_LOG_EVERY.toNanos();
            }
            throttle(started, sentHere);
        }
        long id = job.id();
        QuarkusTransaction.requiringNew().run(() -> jobs.release(id, owner));
        LOG.infof("Republish job %d paused at %d plays (shutting down); it resumes from there", id, job.published());
    }

    /** Each member's plays of the step as the relay encodes them, members in the step's order. */
    private List<ProducerRecord<String, byte[]>> encode(String topic, List<Row> rows) {
        Map<String, List<StoredPlay>> byMember = new LinkedHashMap<>();
        rows.forEach(row ->
                byMember.computeIfAbsent(row.userId(), u -> new ArrayList<>()).add(row.play()));
        return QuarkusTransaction.requiringNew().call(() -> {
            List<ProducerRecord<String, byte[]>> records = new ArrayList<>(rows.size());
            byMember.forEach((member, plays) -> outbox.events(member, plays, false)
                    .forEach(payload -> records.add(new ProducerRecord<>(topic, member, payload))));
            return records;
        });
    }

    /** Sends on the plays channel's producer (acks=all, idempotent: a member's plays stay in order) and waits for every acknowledgement. */
    private void send(List<ProducerRecord<String, byte[]>> records) {
        Producer<String, byte[]> producer =
                kafka.<String, byte[]>getProducer(Channels.PLAYS).unwrap();
        List<CompletableFuture<Void>> sent = new ArrayList<>(records.size());
        for (ProducerRecord<String, byte[]> record : records) {
            CompletableFuture<Void> acknowledged = new CompletableFuture<>();
            producer.send(record, (metadata, failure) -> {
                if (failure == null) {
                    acknowledged.complete(null);
                } else {
                    acknowledged.completeExceptionally(failure);
                }
            });
            sent.add(acknowledged);
        }
        // bounded by the producer's delivery.timeout.ms; a failure surfaces as a CompletionException with its cause
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
    }

    /** Waits as long as needed to stay at or below {@code max-per-second} over the run. */
    private void throttle(long startedNanos, long sent) {
        long dueNanos = startedNanos + TimeUnit.SECONDS.toNanos(sent) / config.maxPerSecond();
        long waitNanos = dueNanos - System.nanoTime();
        if (waitNanos > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(waitNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopping = true;
            }
        }
    }
}
