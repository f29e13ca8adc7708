package io.audiospective.support.messaging;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.apache.kafka.common.serialization.Deserializer;
import org.jboss.logging.Logger;

import io.audiospective.model.codec.MessageFormatException;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * How a consumer of polled batches settles its records, so no record is swallowed: each record is decoded on its
 * own and a malformed one is nacked alone (to the channel's dead-letter topic, with the reason); the rest are
 * applied together; when that fails even after the applier's in-place retries, they are applied one by one, so only
 * the records that fail on their own are nacked.
 *
 * @param <T> the message type
 */
public final class BatchSettler<T> {

    private static final Logger LOG = Logger.getLogger(BatchSettler.class);

    private final Deserializer<T> decoder;
    private final String what;

    /** @param what the messages' name in the log ("plays", "outcomes") */
    public BatchSettler(Deserializer<T> decoder, String what) {
        this.decoder = decoder;
        this.what = what;
    }

    /** Completes once every record of the batch is acked or nacked. */
    public CompletionStage<Void> settle(KafkaRecordBatch<String, byte[]> batch, Consumer<List<T>> applyAll,
            Consumer<T> applyOne) {
        List<CompletionStage<Void>> settled = new ArrayList<>();
        Map<KafkaRecord<String, byte[]>, T> messages = new LinkedHashMap<>();
        for (KafkaRecord<String, byte[]> record : batch.getRecords()) {
            try {
                messages.put(record, decoder.deserialize(record.getTopic(), record.getPayload()));
            } catch (MessageFormatException e) {
                settled.add(record.nack(e));
            }
        }
        try {
            applyAll.accept(List.copyOf(messages.values()));
            messages.keySet().forEach(record -> settled.add(record.ack()));
        } catch (RuntimeException batchFailure) {
            LOG.warnf("A batch of %d %s failed (%s); applying them one by one", messages.size(), what,
                    batchFailure.getMessage());
            messages.forEach((record, message) -> {
                try {
                    applyOne.accept(message);
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
