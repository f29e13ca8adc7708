package io.audiospective.archive.messaging;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.archive.service.BatchProcessor;
import io.audiospective.model.codec.ArchiveBatchDeserializer;
import io.audiospective.support.messaging.ConsumerPolicy;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;

/**
 * Takes batches from {@code archive.batches}. The record is acknowledged, and its offset committed, only once the
 * whole batch is done; a crash before that means redelivery, which the idempotency keys make harmless. Settled by
 * {@link ConsumerPolicy}: a malformed batch goes to {@code archive.batches.dlq} with the reason.
 */
@ApplicationScoped
public class BatchConsumer {

    private final ArchiveBatchDeserializer decoder = new ArchiveBatchDeserializer();
    private final BatchProcessor processor;
    private final ConsumerPolicy policy;

    BatchConsumer(BatchProcessor processor, ConsumerPolicy policy) {
        this.processor = processor;
        this.policy = policy;
    }

    @Incoming(Channels.ARCHIVE_BATCHES)
    // batches are independent (idempotency keys per user and window): several run at once and share the pool of
    // user polls, so one slow user does not hold back the next batch
    @Blocking(ordered = false)
    public CompletionStage<Void> consume(KafkaRecord<String, byte[]> record) {
        return policy.consume(record, decoder, processor::process);
    }
}
