package io.audiospective.api.messaging;

import java.util.List;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.api.PublishedPlay;
import io.audiospective.api.service.ReadModelService;
import io.audiospective.model.codec.PlayEventDeserializer;
import io.audiospective.support.messaging.ConsumerPolicy;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * Folds the {@code plays} topic into the read model, a polled batch of records per transaction. Delivery is at
 * least once and replays re-read everything, so the write is idempotent on (user, played_at) and rollups only move
 * for plays that were new. Settled by {@link ConsumerPolicy}: a play that cannot be folded (malformed, or refused by
 * the fold) goes to {@code plays.dlq} alone while the rest of its batch is folded, an outage is waited out.
 */
@ApplicationScoped
public class PlaysConsumer {

    private final PlayEventDeserializer decoder = new PlayEventDeserializer();
    private final ReadModelService readModel;
    private final ConsumerPolicy policy;

    PlaysConsumer(ReadModelService readModel, ConsumerPolicy policy) {
        this.readModel = readModel;
        this.policy = policy;
    }

    @Incoming(Channels.PLAYS)
    @Blocking
    public CompletionStage<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        return policy.settleRecords(
                batch,
                record -> new PublishedPlay(
                        decoder.deserialize(record.getTopic(), record.getPayload()), record.getTimestamp()),
                this::fold);
    }

    private void fold(List<PublishedPlay> plays) {
        // each attempt in a transaction of its own, never one a failed attempt left behind
        QuarkusTransaction.requiringNew().run(() -> readModel.applyPublished(plays));
    }
}
