package io.audiospective.api;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.audiospective.model.ImportChunk;
import io.audiospective.model.ImportEntry;
import io.audiospective.model.ImportProgress;
import io.audiospective.model.Topics;
import io.audiospective.model.codec.MessageCodec;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/** The {@code imports} topic as a test sees it (every chunk since the start), and the worker's progress reports. */
final class ImportsTopic implements AutoCloseable {

    private final KafkaCompanion kafka;
    private final ConsumerTask<String, byte[]> chunks;

    ImportsTopic(String bootstrapServers) {
        kafka = new KafkaCompanion(bootstrapServers);
        chunks = kafka.consume(String.class, byte[].class)
                .withGroupId("test-" + UUID.randomUUID())
                .withOffsetReset(OffsetResetStrategy.EARLIEST)
                .fromTopics(Topics.IMPORTS);
    }

    /** The chunks sent for a user so far, in order. */
    List<ImportChunk> chunksOf(String user) {
        return chunks.getRecords().stream()
                .filter(r -> user.equals(r.key()))
                .map(ConsumerRecord::value)
                .map(v -> MessageCodec.decode(v, ImportChunk.class))
                .toList();
    }

    List<ImportEntry> entriesOf(String user) {
        return chunksOf(user).stream().flatMap(c -> c.entries().stream()).toList();
    }

    /** Reports, as the worker would, that an import's chunks are all processed. */
    void reportDone(String user, String importId, int chunks) {
        kafka.produce(String.class, byte[].class)
                .fromRecords(new ProducerRecord<>(
                        Topics.IMPORTS_PROGRESS,
                        user,
                        MessageCodec.encode(new ImportProgress(1, importId, user, 1, chunks, 0, 0, 0, 0))))
                .awaitCompletion(Duration.ofSeconds(60));
    }

    @Override
    public void close() {
        chunks.close();
        kafka.close();
    }
}
