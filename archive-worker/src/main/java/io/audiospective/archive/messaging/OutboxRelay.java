package io.audiospective.archive.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

import io.audiospective.archive.config.ArchiveConfig;
import io.audiospective.archive.repository.OutboxRepository;
import io.audiospective.model.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.audiospective.support.BeforeSchemaMigrated;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;

/**
 * Publishes outbox rows to {@code plays}; their deletion commits once Kafka acknowledged them (at least once: a
 * crash after sending and before the commit sends them again, and consumers de-duplicate on user and played_at).
 * <p>
 * Records go straight to the {@code plays} channel's Kafka producer (its configuration, acks=all): an import puts
 * hundreds of thousands of plays through here, and the reactive path of an {@link Emitter} (a message with metadata,
 * context capture, retry operator and tracing span per record) was most of the relay's CPU: in profiles of a
 * 200,000-entry import its producer's I/O thread took 295 samples through the emitter, 53 without. The records carry
 * no trace context: an outbox row outlives the request that wrote it.
 */
@ApplicationScoped
public class OutboxRelay {

    private final OutboxRepository outbox;
    private final KafkaClientService kafka;
    private final int batchSize;
    private final AtomicLong pending = new AtomicLong();

    /**
     * {@code plays} is injected only so that the channel, and with it its producer, is wired (a channel without an
     * upstream is reported as not connected); nothing is sent through the emitter.
     */
    OutboxRelay(OutboxRepository outbox, KafkaClientService kafka, @Channel(Channels.PLAYS) Emitter<byte[]> plays,
            ArchiveConfig config, MeterRegistry metrics) {
        this.outbox = outbox;
        this.kafka = kafka;
        this.batchSize = config.outbox().batchSize();
        metrics.gauge("archive.outbox.pending", pending);
    }

    /** Skipped until startup is over (the first round must not create this bean before the channels are wired) and the schema is migrated. */
    @Scheduled(every = "${audiospective.archive.outbox.interval:PT1S}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = BeforeSchemaMigrated.class)
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
        if (messages.isEmpty()) {
            return 0;
        }
        Producer<String, byte[]> producer = kafka.<String, byte[]> getProducer(Channels.PLAYS).unwrap();
        List<CompletableFuture<Void>> sent = new ArrayList<>(messages.size());
        for (OutboxRepository.Message message : messages) {
            CompletableFuture<Void> acknowledged = new CompletableFuture<>();
            producer.send(new ProducerRecord<>(Topics.PLAYS, message.key(), message.payload()), (metadata, failure) -> {
                if (failure == null) {
                    acknowledged.complete(null);
                } else {
                    acknowledged.completeExceptionally(failure);
                }
            });
            sent.add(acknowledged);
        }
        // a send that fails throws here and rolls the deletion back: the rows are published by a later round
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        return messages.size();
    }
}
