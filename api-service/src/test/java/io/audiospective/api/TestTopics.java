package io.audiospective.api;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.audiospective.model.Topics;
import io.audiospective.model.codec.MessageCodec;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * Writes messages to this run's broker as the other services would (encoded by the contract's codec, keyed), and reads
 * what the services set aside.
 */
@ApplicationScoped
public class TestTopics {

    private final KafkaCompanion kafka;

    TestTopics(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        kafka = new KafkaCompanion(bootstrapServers);
    }

    public void send(String topic, String key, Object message) {
        sendAll(List.of(new ProducerRecord<>(topic, key, MessageCodec.encode(message))));
    }

    public void sendAll(List<ProducerRecord<String, byte[]>> records) {
        kafka.produce(String.class, byte[].class).fromRecords(records).awaitCompletion(Duration.ofSeconds(60));
    }

    /**
     * The records of {@code topic}'s dead-letter topic keyed by one of {@code keys}, once there is at least one (at most
     * 30 s), read from the beginning by a group of their own.
     */
    public List<ConsumerRecord<String, byte[]>> deadLetters(String topic, Collection<String> keys) {
        var deadLetters = kafka.consume(String.class, byte[].class)
                .withGroupId("dead-letter-check-" + UUID.randomUUID())
                .withOffsetReset(OffsetResetStrategy.EARLIEST)
                .fromTopics(Topics.deadLetter(topic));
        try {
            return await().atMost(Duration.ofSeconds(30))
                    .until(
                            () -> deadLetters.getRecords().stream()
                                    .filter(r -> keys.contains(r.key()))
                                    .toList(),
                            found -> !found.isEmpty());
        } finally {
            deadLetters.close();
        }
    }

    @PreDestroy
    void close() {
        kafka.close();
    }
}
