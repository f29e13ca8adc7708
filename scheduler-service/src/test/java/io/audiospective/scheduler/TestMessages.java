package io.audiospective.scheduler;

import java.time.Duration;
import java.time.Instant;

import org.apache.kafka.clients.producer.ProducerRecord;

import io.audiospective.model.Topics;
import io.audiospective.model.UserEvent;
import io.audiospective.model.UserEventType;
import io.audiospective.model.codec.MessageCodec;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/** Writes records the way auth-service and archive-worker do. */
final class TestMessages {

    private TestMessages() {}

    static void send(String bootstrapServers, String topic, String key, Object message) {
        sendRaw(bootstrapServers, topic, key, MessageCodec.encode(message));
    }

    static void sendRaw(String bootstrapServers, String topic, String key, byte[] value) {
        try (KafkaCompanion kafka = new KafkaCompanion(bootstrapServers)) {
            kafka.produce(String.class, byte[].class)
                    .fromRecords(new ProducerRecord<>(topic, key, value))
                    .awaitCompletion(Duration.ofSeconds(30));
        }
    }

    static void userEvent(String bootstrapServers, String userId, UserEventType type, Instant at) {
        send(bootstrapServers, Topics.USERS, userId, UserEvent.of(userId, type, at.toEpochMilli(), at, null, null));
    }
}
