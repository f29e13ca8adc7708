package io.audiospective.archive.imports;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.archive.messaging.Channels;
import io.audiospective.model.ImportChunk;
import io.audiospective.model.codec.ImportChunkDeserializer;
import io.audiospective.support.messaging.BatchSettler;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * Takes import chunks from {@code imports} in polled batches, archived together (see {@link ImportArchiver#archive});
 * acknowledged once archived, so a crash means redelivery, which the chunk claims make harmless. Failures are settled
 * by {@link BatchSettler}: a malformed record goes to {@code imports.dlq} with the reason, a brief outage is retried
 * in place ({@link ImportChunksApplier}). Chunks never wait for Spotify: entries of unknown tracks are parked and
 * completed by {@link ImportMetadataJob}.
 */
@ApplicationScoped
public class ImportConsumer {

    private final BatchSettler<ImportChunk> settler = new BatchSettler<>(new ImportChunkDeserializer(),
            "import chunks");
    private final ImportChunksApplier applier;

    ImportConsumer(ImportChunksApplier applier) {
        this.applier = applier;
    }

    @Incoming(Channels.IMPORTS)
    @Blocking
    public CompletionStage<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        return settler.settle(batch, applier::archive, applier::archiveOnce);
    }
}
