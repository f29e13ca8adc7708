package io.audiospective.archive.messaging;

import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.archive.service.BatchProcessor;
import io.audiospective.model.ArchiveBatch;
import io.audiospective.model.codec.MessageFormatException;
import io.audiospective.support.messaging.ConsumerRetry;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
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
    @Retry(maxRetries = -1, delay = ConsumerRetry.DELAY_MILLIS, jitter = ConsumerRetry.JITTER_MILLIS,
            maxDuration = ConsumerRetry.MAX_MINUTES, durationUnit = ChronoUnit.MINUTES,
            abortOn = {IllegalArgumentException.class, MessageFormatException.class})
    @ExponentialBackoff(maxDelay = ConsumerRetry.MAX_DELAY_SECONDS, maxDelayUnit = ChronoUnit.SECONDS)
    // batches are independent (idempotency keys per user and window): several run at once and share the pool of
    // user polls, so one slow user does not hold back the next batch
    @Blocking(ordered = false)
    public void consume(ArchiveBatch batch) {
        processor.process(batch);
    }
}
