package io.audiospective.api;

import java.time.Duration;
import java.util.List;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.audiospective.model.codec.MessageCodec;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/** Writes messages to this run's broker as the other services would: encoded by the contract's codec, keyed. */
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

    @PreDestroy
    void close() {
        kafka.close();
    }
}
