package io.audiospective.archive.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

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

    /** Messages sent before waiting for their acknowledgements: a row of imported plays stands for thousands. */
    private static final int IN_FLIGHT = 4096;

    private final OutboxRepository outbox;
    private final Emitter<byte[]> plays;
    private final int batchSize;
    private final AtomicLong pending = new AtomicLong();

    OutboxRelay(OutboxRepository outbox,
            @Channel(Channels.PLAYS) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = IN_FLIGHT)
            Emitter<byte[]> plays, ArchiveConfig config,
            MeterRegistry metrics) {
        this.outbox = outbox;
        this.plays = plays;
        this.batchSize = config.outbox().batchSize();
        metrics.gauge("archive.outbox.pending", pending);
    }

    @Scheduled(every = "${audiospective.archive.outbox.interval:PT1S}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void relay() {
        while (publishBatch() >= batchSize) {
            // a full batch means more may be waiting
        }
        // once per round, not per batch
        pending.set(QuarkusTransaction.requiringNew().call(outbox::pending));
    }

    /** Publishes about one batch of pending messages; returns how many were published. */
    @Transactional
    public int publishBatch() {
        List<OutboxRepository.Message> messages = outbox.takeOldest(batchSize);
        for (int from = 0; from < messages.size(); from += IN_FLIGHT) {
            List<OutboxRepository.Message> slice = messages.subList(from, Math.min(messages.size(), from + IN_FLIGHT));
            List<CompletableFuture<Void>> sent = new ArrayList<>(slice.size());
            for (OutboxRepository.Message message : slice) {
                sent.add(KeyedSender.send(plays, message.key(), message.payload()).toCompletableFuture());
            }
            // a send that fails throws here and rolls the deletion back: the rows are published by a later round
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        }
        return messages.size();
    }
}
