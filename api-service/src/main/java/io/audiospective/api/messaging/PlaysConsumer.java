package io.audiospective.api.messaging;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.model.PlayEvent;
import io.audiospective.model.codec.PlayEventDeserializer;
import io.audiospective.support.messaging.BatchSettler;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * Folds the {@code plays} topic into the read model, a polled batch of records per transaction. Delivery is at
 * least once and replays re-read everything, so the write is idempotent on (user, played_at) and rollups only move
 * for plays that were new. Failures are settled by {@link BatchSettler}: a malformed record goes to
 * {@code plays.dlq} with the reason, a brief outage is retried in place ({@link PlaysApplier}), and a batch still
 * failing is applied play by play.
 */
@ApplicationScoped
public class PlaysConsumer {

    private final BatchSettler<PlayEvent> settler = new BatchSettler<>(new PlayEventDeserializer(), "plays");
    private final PlaysApplier applier;

    PlaysConsumer(PlaysApplier applier) {
        this.applier = applier;
    }

    @Incoming(Channels.PLAYS)
    @Blocking
    public CompletionStage<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        return settler.settle(batch, applier::apply, applier::applyOnce);
    }
}
