package io.audiospective.archive.imports;

import java.util.List;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.archive.messaging.Channels;
import io.audiospective.model.ImportChunk;
import io.audiospective.model.codec.ImportChunkDeserializer;
import io.audiospective.support.messaging.ConsumerPolicy;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * Takes import chunks from {@code imports} in polled batches, archived together (see {@link ImportArchiver#archive})
 * and reported; acknowledged once archived, so a crash means redelivery, which the chunk claims make harmless.
 * Settled by {@link ConsumerPolicy}: a malformed chunk or one the archive refuses goes to {@code imports.dlq} alone,
 * with the reason, an outage is waited out. Chunks never wait for Spotify: entries of unknown tracks are parked and
 * completed by {@link ImportMetadataJob}.
 */
@ApplicationScoped
public class ImportConsumer {

    private final ImportChunkDeserializer decoder = new ImportChunkDeserializer();
    private final ImportArchiver archiver;
    private final ImportProgressPublisher progress;
    private final ConsumerPolicy policy;

    ImportConsumer(ImportArchiver archiver, ImportProgressPublisher progress, ConsumerPolicy policy) {
        this.archiver = archiver;
        this.progress = progress;
        this.policy = policy;
    }

    @Incoming(Channels.IMPORTS)
    @Blocking
    public CompletionStage<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        return policy.settle(batch, decoder, this::archive);
    }

    private void archive(List<ImportChunk> chunks) {
        progress.publish(archiver.archive(chunks));
    }
}
