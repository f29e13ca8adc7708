package io.audiospective.archive.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.archive.service.BatchProcessor;
import io.audiospective.model.ArchiveBatch;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * Takes batches from {@code archive.batches}. The method returns when the whole batch is done, and only then is
 * the record acknowledged and its offset committed; a crash before that means redelivery, which the idempotency
 * keys make harmless. Malformed records go to {@code archive.batches.dlq} with the reason.
 */
@ApplicationScoped
public class BatchConsumer {

    private final BatchProcessor processor;

    BatchConsumer(BatchProcessor processor) {
        this.processor = processor;
    }

    @Incoming(Channels.ARCHIVE_BATCHES)
    @Blocking
    public void consume(ArchiveBatch batch) {
        processor.process(batch);
    }
}
