package io.audiospective.support.messaging;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.smallrye.common.annotation.Identifier;

/**
 * Writes records as bytes to a topic named per record: dead letters to their {@code .dlq}, re-driven dead letters
 * back to their source topic. A plain producer rather than a channel, because the topic differs per record and
 * the bytes must stay exactly those the source topic carried.
 */
@ApplicationScoped
public class RecordProducer {

    private final Map<String, Object> config = new HashMap<>();
    private final MeterRegistry meters;
    private volatile KafkaProducer<String, byte[]> producer;
    private KafkaClientMetrics metrics;

    @Inject
    public RecordProducer(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig, MeterRegistry meters) {
        this.meters = meters;
        // Only producer settings: the shared map also carries consumer and channel settings.
        kafkaConfig.forEach((key, value) -> {
            if (ProducerConfig.configNames().contains(key)) {
                config.put(key, value);
            }
        });
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "record-producer-" + System.identityHashCode(this));
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    }

    /** Completes once the broker has acknowledged the record. */
    public CompletionStage<Void> send(ProducerRecord<String, byte[]> record) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        producer().send(record, (metadata, failure) -> {
            if (failure == null) {
                written.complete(null);
            } else {
                written.completeExceptionally(failure);
            }
        });
        return written;
    }

    // created on first use: most services never dead-letter anything
    private KafkaProducer<String, byte[]> producer() {
        KafkaProducer<String, byte[]> current = producer;
        if (current == null) {
            synchronized (this) {
                if (producer == null) {
                    KafkaProducer<String, byte[]> created =
                            new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
                    // kafka_producer_topic_record_send_total{topic="<topic>.dlq"}: what the dead-letter alert watches
                    metrics = new KafkaClientMetrics(created);
                    metrics.bindTo(meters);
                    producer = created;
                }
                current = producer;
            }
        }
        return current;
    }

    @PreDestroy
    void close() {
        if (producer != null) {
            metrics.close();
            producer.close(Duration.ofSeconds(5));
        }
    }
}
