package io.audiospective.archive.messaging;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.audiospective.archive.config.ArchiveConfig;
import io.audiospective.archive.service.BatchProcessor;
import io.audiospective.model.Topics;
import io.audiospective.model.codec.ArchiveBatchDeserializer;
import io.audiospective.support.messaging.ConsumerPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * Takes batches from {@code archive.batches}, {@code batches.concurrency} at a time (a slow user in one batch does not
 * hold back the next), with a consumer of its own that waits without cost while they are all busy
 * ({@link ConcurrentRecordLoop}). A batch's offset is committed once it and every batch before it on its partition
 * are done; a crash before that means redelivery, which the idempotency keys make harmless. Settled by
 * {@link ConsumerPolicy}: a malformed batch goes to {@code archive.batches.dlq} with the reason.
 */
@ApplicationScoped
public class BatchConsumer {

    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final ArchiveBatchDeserializer decoder = new ArchiveBatchDeserializer();
    private final ConcurrentRecordLoop loop;

    BatchConsumer(
            BatchProcessor processor,
            ConsumerPolicy policy,
            ArchiveConfig config,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            MeterRegistry meters) {
        Map<String, Object> consumerConfig = new HashMap<>();
        kafkaConfig.forEach((key, value) -> {
            if (ConsumerConfig.configNames().contains(key)) {
                consumerConfig.put(key, value);
            }
        });
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, config.batches().groupId());
        consumerConfig.put(
                ConsumerConfig.CLIENT_ID_CONFIG,
                "archive-batches-" + ProcessHandle.current().pid());
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // a group without a committed position starts with the oldest batch kept: none is skipped
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // a few more than the free slots: the loop never holds many records it cannot start
        consumerConfig.put(
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.batches().concurrency());
        KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
        loop = new ConcurrentRecordLoop(
                consumer,
                Topics.ARCHIVE_BATCHES,
                config.batches().concurrency(),
                record -> policy.apply(record, decoder, processor::process));
        meters.gauge("archive.batches.in.flight", loop, ConcurrentRecordLoop::inFlight);
        meters.more().counter("archive.batches.polls", List.of(), loop, ConcurrentRecordLoop::polls);
        meters.more().counter("archive.batches.polls.while.full", List.of(), loop, ConcurrentRecordLoop::pausedPolls);
    }

    void start(@Observes StartupEvent started) {
        loop.start();
    }

    void stop(@Observes ShutdownEvent stopping) throws InterruptedException {
        loop.stop(STOP_GRACE);
    }

    /** The loop, for tests that watch how it polls. */
    ConcurrentRecordLoop loop() {
        return loop;
    }
}
