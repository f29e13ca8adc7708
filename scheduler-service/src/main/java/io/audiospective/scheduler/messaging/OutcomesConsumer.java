package io.audiospective.scheduler.messaging;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.model.ArchiveOutcome;
import io.audiospective.model.codec.ArchiveOutcomeDeserializer;
import io.audiospective.support.messaging.BatchSettler;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * Feeds each user's poll outcome into their backoff and extra-poll state, a polled batch of outcomes per
 * transaction: every poll of every user ends in an outcome, so one transaction per outcome cost more than the
 * polls' own writes. Failures are settled by {@link BatchSettler}: a malformed record goes to
 * {@code archive.outcomes.dlq} with the reason, a brief outage is retried in place ({@link OutcomesApplier}).
 */
@ApplicationScoped
public class OutcomesConsumer {

    private final BatchSettler<ArchiveOutcome> settler = new BatchSettler<>(new ArchiveOutcomeDeserializer(),
            "outcomes");
    private final OutcomesApplier applier;

    OutcomesConsumer(OutcomesApplier applier) {
        this.applier = applier;
    }

    @Incoming(Channels.ARCHIVE_OUTCOMES)
    @Blocking
    public CompletionStage<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        return settler.settle(batch, applier::apply, applier::applyOnce);
    }
}
