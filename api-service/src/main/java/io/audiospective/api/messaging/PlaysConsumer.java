package io.audiospective.api.messaging;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.audiospective.model.PlayEvent;
import io.audiospective.model.codec.MessageFormatException;
import io.audiospective.model.codec.PlayEventDeserializer;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * Folds the {@code plays} topic into the read model, a polled batch of records per transaction. Delivery is at
 * least once and replays re-read everything, so the write is idempotent on (user, played_at) and rollups only move
 * for plays that were new. Failures are not swallowed: a malformed record goes to {@code plays.dlq} with the
 * reason; a brief outage is retried in place ({@link PlaysApplier}); a batch still failing after that is applied
 * play by play so only the plays that fail on their own are dead-lettered.
 */
@ApplicationScoped
public class PlaysConsumer {

    private static final Logger LOG = Logger.getLogger(PlaysConsumer.class);

    private final PlayEventDeserializer decoder = new PlayEventDeserializer();
    private final PlaysApplier applier;

    PlaysConsumer(PlaysApplier applier) {
        this.applier = applier;
    }

    @Incoming(Channels.PLAYS)
    @Blocking
    public CompletionStage<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        List<CompletionStage<Void>> settled = new ArrayList<>();
        Map<KafkaRecord<String, byte[]>, PlayEvent> plays = new LinkedHashMap<>();
        for (KafkaRecord<String, byte[]> record : batch.getRecords()) {
            try {
                plays.put(record, decoder.deserialize(record.getTopic(), record.getPayload()));
            } catch (MessageFormatException e) {
                settled.add(record.nack(e));
            }
        }
        try {
            applier.apply(List.copyOf(plays.values()));
            plays.keySet().forEach(record -> settled.add(record.ack()));
        } catch (RuntimeException batchFailure) {
            LOG.warnf("A batch of %d plays failed (%s); applying them one by one", plays.size(),
                    batchFailure.getMessage());
            plays.forEach((record, play) -> {
                try {
                    applier.applyOnce(play);
                    settled.add(record.ack());
                } catch (RuntimeException e) {
                    settled.add(record.nack(e));
                }
            });
        }
        return CompletableFuture.allOf(settled.stream().map(CompletionStage::toCompletableFuture)
                .toArray(CompletableFuture[]::new));
    }
}
