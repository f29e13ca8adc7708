package io.audiospective.archive.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

import io.audiospective.archive.config.ArchiveConfig;
import io.audiospective.archive.repository.OutboxRepository;
import io.audiospective.model.Topics;
import io.audiospective.support.BeforeSchemaMigrated;
import io.audiospective.support.messaging.Failures;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;

/**
 * Publishes outbox rows to their topic ({@code plays}, or {@code catalogue.artists} for artists' details); their
 * deletion commits once Kafka acknowledged them (at least once: a
 * crash after sending and before the commit sends them again, and consumers de-duplicate on user and played_at).
 * <p>
 * Records go straight to the {@code plays} channel's Kafka producer (its configuration, acks=all): an import puts
 * hundreds of thousands of plays through here, and the reactive path of an {@link Emitter} (a message with metadata,
 * context capture, retry operator and tracing span per record) was most of the relay's CPU: in profiles of a
 * 200,000-entry import its producer's I/O thread took 295 samples through the emitter, 53 without. The records carry
 * no trace context: an outbox row outlives the request that wrote it.
 * <p>
 * A row that cannot be published as it is (its events cannot be encoded, or Kafka refuses one for what it is, such
 * as too large) is set aside with the reason and the relay goes on with the rows after it; an unreachable Kafka is
 * waited out, rows kept in order.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final OutboxRepository outbox;
    private final KafkaClientService kafka;
    private final int batchSize;
    private final int vacuumEvery;
    /** Only {@link #relay()} touches it, and rounds never overlap. */
    private long publishedSinceVacuum;

    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong setAside = new AtomicLong();

    /** The channel whose producer sends each topic's rows (the ACLs let each channel write its own topic). */
    private static final Map<String, String> CHANNELS =
            Map.of(Topics.PLAYS, Channels.PLAYS, Topics.CATALOGUE_ARTISTS, Channels.CATALOGUE_ARTISTS);

    /**
     * The emitters are injected only so that the channels, and with them their producers, are wired (a channel
     * without an upstream is reported as not connected); nothing is sent through them.
     */
    OutboxRelay(
            OutboxRepository outbox,
            KafkaClientService kafka,
            @Channel(Channels.PLAYS) Emitter<byte[]> plays,
            @Channel(Channels.CATALOGUE_ARTISTS) Emitter<byte[]> artists,
            ArchiveConfig config,
            MeterRegistry metrics) {
        this.outbox = outbox;
        this.kafka = kafka;
        this.batchSize = config.outbox().batchSize();
        this.vacuumEvery = config.outbox().vacuumEvery();
        metrics.gauge("archive.outbox.pending", pending);
        metrics.gauge("archive.outbox.set.aside", setAside);
    }

    /** Skipped until startup is over (the first round must not create this bean before the channels are wired) and the schema is migrated. */
    @Scheduled(
            every = "${audiospective.archive.outbox.interval:PT1S}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = BeforeSchemaMigrated.class)
    void relay() {
        while (true) {
            try {
                int published = publishBatch();
                publishedSinceVacuum += published;
                if (published < batchSize) {
                    break;
                }
                // a full batch means more may be waiting
            } catch (OutboxRepository.UnpublishableRow row) {
                // the batch rolled back (rows sent before it go again: consumers de-duplicate); without this row
                // the next attempt goes through
                LOG.warnf("Outbox row %d set aside: %s", row.rowId(), row.getMessage());
                QuarkusTransaction.requiringNew().run(() -> outbox.setAside(row.rowId(), row.getMessage()));
            }
        }
        if (publishedSinceVacuum >= vacuumEvery) {
            publishedSinceVacuum = 0;
            try {
                outbox.vacuum();
            } catch (RuntimeException e) {
                // the relay goes on without it; the next vacuum is due after as many messages again
                LOG.warnf("Vacuuming the outbox failed: %s", Failures.describe(e));
            }
        }
        // once per round, not per batch
        QuarkusTransaction.requiringNew().run(() -> {
            pending.set(outbox.pending());
            setAside.set(outbox.setAsideCount());
        });
    }

    /** Publishes about one batch of pending messages; returns how many were published. */
    @Transactional
    public int publishBatch() {
        List<OutboxRepository.Message> messages = outbox.takeOldest(batchSize);
        if (messages.isEmpty()) {
            return 0;
        }
        List<CompletableFuture<Void>> sent = new ArrayList<>(messages.size());
        for (OutboxRepository.Message message : messages) {
            String channel = CHANNELS.get(message.topic());
            if (channel == null) {
                throw new OutboxRepository.UnpublishableRow(
                        message.rowId(), "no channel publishes to topic " + message.topic(), null);
            }
            Producer<String, byte[]> producer =
                    kafka.<String, byte[]>getProducer(channel).unwrap();
            CompletableFuture<Void> acknowledged = new CompletableFuture<>();
            producer.send(
                    new ProducerRecord<>(message.topic(), message.key(), message.payload()), (metadata, failure) -> {
                        if (failure == null) {
                            acknowledged.complete(null);
                        } else {
                            acknowledged.completeExceptionally(failure);
                        }
                    });
            sent.add(acknowledged);
        }
        try {
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            for (int i = 0; i < sent.size(); i++) {
                Throwable failure = failure(sent.get(i));
                if (failure != null && Failures.classify(failure) != Failures.Kind.INFRASTRUCTURE) {
                    throw new OutboxRepository.UnpublishableRow(
                            messages.get(i).rowId(), "Kafka refused its event: " + Failures.describe(failure), failure);
                }
            }
            // Kafka unreachable or slow: the deletion rolls back and a later round publishes the rows
            throw e;
        }
        return messages.size();
    }

    private static Throwable failure(CompletableFuture<Void> send) {
        try {
            send.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        }
    }
}
