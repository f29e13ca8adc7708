package io.audiospective.scheduler.messaging;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.audiospective.model.ArchiveOutcome;
import io.audiospective.model.codec.ArchiveOutcomeDeserializer;
import io.audiospective.model.codec.MessageFormatException;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * Feeds each user's poll outcome into their backoff and extra-poll state, a polled batch of outcomes per
 * transaction: every poll of every user ends in an outcome, so one transaction per outcome cost more than the
 * polls' own writes. A malformed record goes to {@code archive.outcomes.dlq} with the reason; a brief outage is
 * retried in place ({@link OutcomesApplier}); a batch still failing after that is applied outcome by outcome, so
 * only the outcomes that fail on their own are dead-lettered.
 */
@ApplicationScoped
public class OutcomesConsumer {

    private static final Logger LOG = Logger.getLogger(OutcomesConsumer.class);

    private final ArchiveOutcomeDeserializer decoder = new ArchiveOutcomeDeserializer();
    private final OutcomesApplier applier;

    OutcomesConsumer(OutcomesApplier applier) {
        this.applier = applier;
    }

    @Incoming(Channels.ARCHIVE_OUTCOMES)
    @Blocking
    public CompletionStage<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        List<CompletionStage<Void>> settled = new ArrayList<>();
        Map<KafkaRecord<String, byte[]>, ArchiveOutcome> outcomes = new LinkedHashMap<>();
        for (KafkaRecord<String, byte[]> record : batch.getRecords()) {
            try {
                outcomes.put(record, decoder.deserialize(record.getTopic(), record.getPayload()));
            } catch (MessageFormatException e) {
                settled.add(record.nack(e));
            }
        }
        try {
            applier.apply(List.copyOf(outcomes.values()));
            outcomes.keySet().forEach(record -> settled.add(record.ack()));
        } catch (RuntimeException batchFailure) {
            LOG.warnf("A batch of %d outcomes failed (%s); applying them one by one", outcomes.size(),
                    batchFailure.getMessage());
            outcomes.forEach((record, outcome) -> {
                try {
                    applier.applyOnce(outcome);
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
