package io.audiospective.systemtest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import io.audiospective.model.ArchiveBatch;
import io.audiospective.model.ArchiveOutcome;
import io.audiospective.model.Topics;
import io.audiospective.model.codec.MessageCodec;

/** Reads whole topics of a run's own broker: poll outcomes by kind and dead-letter records by reason. */
public final class KafkaTally {

    private final String bootstrap;

    public KafkaTally(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** Every poll outcome the workers published. */
    public List<ArchiveOutcome> outcomes() {
        return readAll(Topics.ARCHIVE_OUTCOMES).stream()
                .map(record -> MessageCodec.decode(record.value(), ArchiveOutcome.class))
                .toList();
    }

    /** Every batch of users the schedulers asked the workers to poll. */
    public List<ArchiveBatch> batches() {
        return readAll(Topics.ARCHIVE_BATCHES).stream()
                .map(record -> MessageCodec.decode(record.value(), ArchiveBatch.class))
                .toList();
    }

    /**
     * Records of {@code topic} that consumer group {@code group} has not committed yet, over all partitions (a
     * partition the group never committed counts whole).
     */
    public long unconsumed(String topic, String group) {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(properties)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(60, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(60, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            long behind = 0;
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end :
                    admin.listOffsets(latest).all().get(60, TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata done = committed.get(end.getKey());
                behind += end.getValue().offset() - (done == null ? 0 : done.offset());
            }
            return behind;
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Could not read the lag of " + group + " on " + topic + ": " + e.getMessage(), e);
        }
    }

    /** Polls by outcome: SUCCESS or the failure kind. */
    Map<String, Long> pollsByOutcome() {
        Map<String, Long> outcomes = new TreeMap<>();
        for (ArchiveOutcome outcome : outcomes()) {
            outcomes.merge(
                    outcome.succeeded() ? "SUCCESS" : outcome.failureKind().name(), 1L, Long::sum);
        }
        return outcomes;
    }

    /** Dead-letter records, keyed "topic: reason". */
    Map<String, Long> deadLetters() {
        Map<String, Long> reasons = new TreeMap<>();
        for (String topic : topics()) {
            if (!topic.endsWith(".dlq")) {
                continue;
            }
            for (ConsumerRecord<byte[], byte[]> record : readAll(topic)) {
                Header reason = record.headers().lastHeader("dead-letter-reason");
                reasons.merge(
                        topic + ": "
                                + (reason == null ? "(no reason)" : new String(reason.value(), StandardCharsets.UTF_8)),
                        1L,
                        Long::sum);
            }
        }
        return reasons;
    }

    /** Records on {@code plays}: more than the distinct plays means a redelivery the read model absorbed. */
    long playEvents() {
        return readAll(Topics.PLAYS).size();
    }

    private List<String> topics() {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(properties)) {
            return admin.listTopics().names().get().stream().sorted().toList();
        } catch (Exception e) {
            throw new IllegalStateException("Could not list topics: " + e.getMessage(), e);
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(60)).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new java.util.ArrayList<>();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofSeconds(1)).forEach(records::add);
            }
            return records;
        }
    }
}
