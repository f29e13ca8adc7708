package io.audiospective.archive.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

import io.audiospective.archive.config.ArchiveConfig;
import io.audiospective.archive.repository.OutboxRepository;
import io.audiospective.support.messaging.KeyedSender;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Publishes outbox rows to {@code plays}; their deletion commits once Kafka acknowledged them (at least once: a
 * crash after sending and before the commit sends them again, and consumers de-duplicate on user and played_at).
 */
@ApplicationScoped
public class OutboxRelay {

    private final OutboxRepository outbox;
    private final Emitter<byte[]> plays;
    private final int batchSize;
    private final AtomicLong pending = new AtomicLong();

    OutboxRelay(OutboxRepository outbox, @Channel(Channels.PLAYS) Emitter<byte[]> plays, ArchiveConfig config,
            MeterRegistry metrics) {
        this.outbox = outbox;
        this.plays = plays;
        this.batchSize = config.outbox().batchSize();
        metrics.gauge("archive.outbox.pending", pending);
    }

    @Scheduled(every = "${audiospective.archive.outbox.interval:PT1S}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void relay() {
        while (publishBatch() == batchSize) {
            // a full batch means more may be waiting
        }
        // once per round, not per batch
        pending.set(QuarkusTransaction.requiringNew().call(outbox::pending));
    }

    /** Publishes up to one batch of pending rows; returns how many were published. */
    @Transactional
    public int publishBatch() {
        List<Object[]> rows = outbox.takeOldest(batchSize);
        List<CompletableFuture<Void>> sent = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            sent.add(KeyedSender.send(plays, (String) row[1], (byte[]) row[2]).toCompletableFuture());
        }
        // a send that fails throws here and rolls the deletion back: the rows are published by a later round
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        return rows.size();
    }
}
