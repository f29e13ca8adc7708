package io.audiospective.support.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import io.audiospective.model.Topics;
import io.audiospective.support.SchemaMigration;
import io.audiospective.support.messaging.Failures.Kind;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * How every Kafka consumer of every service settles its records, so that no record stalls a partition and none is
 * dropped:
 * <ul>
 * <li>a record that fails for its own content ({@link Failures.Kind#CONTENT}: malformed, against the contract, a
 * value PostgreSQL refuses) is set aside at once, alone, on its topic's {@code .dlq} with the reason and its source
 * topic, partition and offset ({@link DeadLetterHeaders}), and the consumer moves on;</li>
 * <li>a failure of the infrastructure (PostgreSQL, Redis, Kafka, a peer) is retried in place with backoff for as
 * long as it lasts: the consumer holds its position and nothing is dead-lettered because of an outage;</li>
 * <li>an unrecognised failure is retried a few times, then set aside like a content failure: a bug must not stall
 * every member behind one record, and a re-drive puts the record back once the bug is fixed.</li>
 * </ul>
 * Until the service's schema is migrated every failure counts as the infrastructure's. Channels keep SmallRye's
 * {@code fail} strategy: a record is only nacked when the service stops while it is being retried, and then it is
 * read again after the restart.
 */
@ApplicationScoped
public class ConsumerPolicy {

    private static final Logger LOG = Logger.getLogger(ConsumerPolicy.class);
    private static final Duration DEAD_LETTER_SEND_TIMEOUT = Duration.ofSeconds(30);

    private final RecordProducer producer;
    private final SchemaMigration migration;
    private final Duration firstDelay;
    private final Duration maxDelay;
    private final int unknownAttempts;
    private volatile boolean stopping;

    @Inject
    public ConsumerPolicy(
            RecordProducer producer,
            @Readiness SchemaMigration migration,
            @ConfigProperty(name = "audiospective.consumers.retry.first-delay", defaultValue = "500ms")
                    Duration firstDelay,
            @ConfigProperty(name = "audiospective.consumers.retry.max-delay", defaultValue = "20s") Duration maxDelay,
            @ConfigProperty(name = "audiospective.consumers.unknown-failure-attempts", defaultValue = "5")
                    int unknownAttempts) {
        this.producer = producer;
        this.migration = migration;
        this.firstDelay = firstDelay;
        this.maxDelay = maxDelay;
        this.unknownAttempts = unknownAttempts;
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /** Decodes and applies one record; completes once it is applied or set aside. */
    public <T> CompletionStage<Void> consume(
            KafkaRecord<String, byte[]> record, Deserializer<T> decoder, Consumer<T> apply) {
        // a malformed record fails for its content, so the policy sets it aside at once
        return consumeRecord(record, raw -> apply.accept(decoder.deserialize(raw.getTopic(), raw.getPayload())));
    }

    /** Applies one record as it came (key, headers, bytes); completes once it is applied or set aside. */
    public CompletionStage<Void> consumeRecord(
            KafkaRecord<String, byte[]> record, Consumer<KafkaRecord<String, byte[]>> apply) {
        try {
            Throwable failure = applyHolding(() -> apply.accept(record), "a record of " + record.getTopic());
            return failure == null ? record.ack() : setAside(record, failure);
        } catch (InterruptedException stopped) {
            return record.nack(stopped);
        }
    }

    /**
     * Decodes and applies one record read by a plain Kafka consumer of the service's own (not a channel); returns
     * once it is applied or set aside, after which its offset may be committed.
     *
     * @throws InterruptedException when the service stops while the record is retried: its offset must not be
     *         committed, so it is read again after the restart
     */
    public <T> void apply(ConsumerRecord<String, byte[]> record, Deserializer<T> decoder, Consumer<T> apply)
            throws InterruptedException {
        Throwable failure = applyHolding(
                () -> apply.accept(decoder.deserialize(record.topic(), record.headers(), record.value())),
                "a record of " + record.topic());
        if (failure != null) {
            setAside(
                    new SourceRecord(
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            record.key(),
                            record.value(),
                            record.headers()),
                    failure);
        }
    }

    /**
     * Decodes each record of a polled batch on its own and applies the decoded messages together. When that fails
     * for content, the batch is halved and each half applied again, down to the single records that fail: only those
     * are set aside, everything else is applied. Completes once every record is applied or set aside.
     */
    public <T> CompletionStage<Void> settle(
            KafkaRecordBatch<String, byte[]> batch, Deserializer<T> decoder, Consumer<List<T>> applyAll) {
        return settleRecords(batch, record -> decoder.deserialize(record.getTopic(), record.getPayload()), applyAll);
    }

    /** A message made of a whole record: its payload and what Kafka says of it (timestamp, headers). */
    @FunctionalInterface
    public interface RecordDecoder<T> {
        T decode(KafkaRecord<String, byte[]> record);
    }

    /** {@link #settle}, for messages that need more of their record than its payload. */
    public <T> CompletionStage<Void> settleRecords(
            KafkaRecordBatch<String, byte[]> batch, RecordDecoder<T> decoder, Consumer<List<T>> applyAll) {
        List<CompletionStage<Void>> settled = new ArrayList<>();
        List<Decoded<T>> decoded = new ArrayList<>();
        try {
            for (KafkaRecord<String, byte[]> record : batch.getRecords()) {
                try {
                    decoded.add(new Decoded<>(record, decoder.decode(record)));
                } catch (RuntimeException malformed) {
                    settled.add(setAside(record, malformed));
                }
            }
            if (!decoded.isEmpty()) {
                applyOrHalve(decoded, applyAll, settled);
            }
        } catch (InterruptedException stopped) {
            // the unsettled records are read again after the restart
            return batch.nack(stopped);
        }
        return CompletableFuture.allOf(
                settled.stream().map(CompletionStage::toCompletableFuture).toArray(CompletableFuture[]::new));
    }

    private <T> void applyOrHalve(
            List<Decoded<T>> part, Consumer<List<T>> applyAll, List<CompletionStage<Void>> settled)
            throws InterruptedException {
        List<T> messages = part.stream().map(Decoded::message).toList();
        String what = part.size() + " records of " + part.get(0).record().getTopic();
        Throwable failure = applyHolding(() -> applyAll.accept(messages), what);
        if (failure == null) {
            part.forEach(entry -> settled.add(entry.record().ack()));
        } else if (part.size() == 1) {
            settled.add(setAside(part.get(0).record(), failure));
        } else {
            LOG.warnf("Applying %s failed (%s); applying each half on its own", what, Failures.describe(failure));
            int half = part.size() / 2;
            applyOrHalve(part.subList(0, half), applyAll, settled);
            applyOrHalve(part.subList(half, part.size()), applyAll, settled);
        }
    }

    /**
     * Runs {@code apply} until it succeeds or fails for a reason retrying cannot fix, waiting with exponential
     * backoff and jitter between attempts. Returns null once applied, else the failure that sets the record aside.
     */
    private Throwable applyHolding(Runnable apply, String what) throws InterruptedException {
        long delay = firstDelay.toMillis();
        int unknownFailures = 0;
        for (int attempt = 1; ; attempt++) {
            try {
                apply.run();
                if (attempt > 1) {
                    LOG.infof("Applied %s after %d attempts", what, attempt);
                }
                return null;
            } catch (RuntimeException e) {
                Kind kind = migration.isMigrated() ? Failures.classify(e) : Kind.INFRASTRUCTURE;
                if (kind == Kind.CONTENT || (kind == Kind.UNKNOWN && ++unknownFailures >= unknownAttempts)) {
                    return e;
                }
                LOG.warnf(
                        "Applying %s failed (attempt %d, %s), retrying in place: %s",
                        what, attempt, kind, Failures.describe(e));
            }
            delay = pause(delay);
        }
    }

    /** Writes the record to its topic's {@code .dlq} (see {@link #setAside(SourceRecord, Throwable)}), then acks it. */
    private CompletionStage<Void> setAside(KafkaRecord<String, byte[]> record, Throwable failure)
            throws InterruptedException {
        setAside(
                new SourceRecord(
                        record.getTopic(),
                        record.getPartition(),
                        offset(record),
                        record.getKey(),
                        record.getPayload(),
                        record.getHeaders()),
                failure);
        return record.ack();
    }

    /**
     * Writes the record to its topic's {@code .dlq} with the reason and where it came from, retrying while Kafka is
     * away.
     */
    private void setAside(SourceRecord record, Throwable failure) throws InterruptedException {
        String reason = Failures.describe(failure);
        LOG.warnf(
                "Setting aside the record %s-%d@%d on %s: %s",
                record.topic(), record.partition(), record.offset(), Topics.deadLetter(record.topic()), reason);
        ProducerRecord<String, byte[]> deadLetter =
                new ProducerRecord<>(Topics.deadLetter(record.topic()), record.key(), record.payload());
        for (Header header : record.headers()) {
            if (!header.key().startsWith(DeadLetterHeaders.PREFIX)) {
                deadLetter.headers().add(header);
            }
        }
        add(deadLetter, DeadLetterHeaders.REASON, reason);
        add(deadLetter, DeadLetterHeaders.REASON_CODE, Failures.code(failure));
        add(deadLetter, DeadLetterHeaders.KIND, Failures.classify(failure).name());
        add(deadLetter, DeadLetterHeaders.EXCEPTION_CLASS, failure.getClass().getName());
        add(deadLetter, DeadLetterHeaders.TOPIC, record.topic());
        add(deadLetter, DeadLetterHeaders.PARTITION, String.valueOf(record.partition()));
        add(deadLetter, DeadLetterHeaders.OFFSET, String.valueOf(record.offset()));
        long delay = firstDelay.toMillis();
        while (true) {
            try {
                producer.send(deadLetter)
                        .toCompletableFuture()
                        .get(DEAD_LETTER_SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                LOG.warnf(
                        "Kafka did not take the dead letter of %s-%d@%d, retrying: %s",
                        record.topic(), record.partition(), record.offset(), Failures.describe(e));
            }
            delay = pause(delay);
        }
    }

    private long pause(long delay) throws InterruptedException {
        if (stopping) {
            throw new InterruptedException("the service is stopping");
        }
        Thread.sleep(delay + ThreadLocalRandom.current().nextLong(delay / 4 + 1));
        if (stopping) {
            throw new InterruptedException("the service is stopping");
        }
        return Math.min(delay * 2, maxDelay.toMillis());
    }

    private static long offset(KafkaRecord<String, byte[]> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(IncomingKafkaRecordMetadata::getOffset)
                .orElse(-1L);
    }

    private static void add(ProducerRecord<String, byte[]> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private record Decoded<T>(KafkaRecord<String, byte[]> record, T message) {}

    /** A record as it was read, whichever client read it. */
    private record SourceRecord(
            String topic, int partition, long offset, String key, byte[] payload, Iterable<Header> headers) {}
}
