package io.audiospective.scheduler;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import io.audiospective.model.ArchiveBatch;
import io.audiospective.model.Topics;
import io.audiospective.model.codec.MessageCodec;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/** Reads {@code archive.batches} from the beginning, as a worker would, for tests to check what was published. */
final class BatchesTopic implements AutoCloseable {

    private final KafkaCompanion kafka;
    private final ConsumerTask<String, byte[]> records;

    BatchesTopic(String bootstrapServers) {
        kafka = new KafkaCompanion(bootstrapServers);
        records = kafka.consume(String.class, byte[].class)
                .withGroupId("scheduler-test-" + UUID.randomUUID())
                .withOffsetReset(OffsetResetStrategy.EARLIEST)
                .fromTopics(Topics.ARCHIVE_BATCHES);
    }

    /** The batches read so far that match {@code filter}, each with its record key. */
    List<Keyed> read(Predicate<ArchiveBatch> filter) {
        return records.getRecords().stream()
                .map(BatchesTopic::decode)
                .filter(keyed -> filter.test(keyed.batch()))
                .toList();
    }

    /** Waits until the matching batches satisfy {@code done}, and returns them. */
    List<Keyed> awaitBatches(Predicate<ArchiveBatch> filter, Predicate<List<Keyed>> done) {
        return await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> read(filter), done);
    }

    private static Keyed decode(ConsumerRecord<String, byte[]> record) {
        return new Keyed(record.key(), MessageCodec.decode(record.value(), ArchiveBatch.class));
    }

    @Override
    public void close() {
        records.stop();
        kafka.close();
    }

    record Keyed(String key, ArchiveBatch batch) {}
}
