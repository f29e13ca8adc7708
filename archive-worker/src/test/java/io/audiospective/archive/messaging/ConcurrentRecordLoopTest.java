package io.audiospective.archive.messaging;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The loop that reads {@code archive.batches}, against the real broker: while every slot is busy it waits in
 * {@code poll} instead of spinning, it never runs more records at once than its slots, and once they are done their
 * offsets are committed.
 */
@QuarkusTest
class ConcurrentRecordLoopTest {

    private static final int SLOTS = 2;
    private static final int RECORDS = 6;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void whileEverySlotIsBusyTheConsumerWaitsAndOnceFreedItFinishesAndCommitsEverything() throws Exception {
        String topic = "loop-test-" + UUID.randomUUID();
        String group = "loop-test-" + UUID.randomUUID();
        TopicPartition partition = new TopicPartition(topic, 0);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrapServers), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, ("batch " + i).getBytes(StandardCharsets.UTF_8)))
                        .get();
            }
        }
        Set<Long> running = ConcurrentHashMap.newKeySet();
        Set<Long> done = ConcurrentHashMap.newKeySet();
        CountDownLatch release = new CountDownLatch(1);
        ConcurrentRecordLoop loop = new ConcurrentRecordLoop(consumer(group), topic, SLOTS, record -> {
            running.add(record.offset());
            release.await();
            running.remove(record.offset());
            done.add(record.offset());
        });
        loop.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> running.size() == SLOTS);
            long pollsWhenFull = loop.pausedPolls();

            // a paused SmallRye channel polls every 2 ms: about 1,000 polls in these two seconds
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> loop.pausedPolls() - pollsWhenFull <= 4 && running.size() <= SLOTS);

            release.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> done.size() == RECORDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> committed(group, partition) == RECORDS);
        } finally {
            release.countDown();
            loop.stop(Duration.ofSeconds(5));
        }
    }

    private KafkaConsumer<String, byte[]> consumer(String group) {
        return new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        group,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        SLOTS),
                new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    private long committed(String group, TopicPartition partition) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .get(partition);
            return offset == null ? -1 : offset.offset();
        }
    }
}
