package io.audiospective.api.service;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import io.audiospective.api.repository.DeadLetterRepository;
import io.audiospective.api.repository.DeadLetterRepository.Selection;
import io.audiospective.api.repository.DeadLetterRepository.Stored;
import io.audiospective.support.messaging.DeadLetterHeaders;
import io.audiospective.support.messaging.RecordProducer;
import io.audiospective.support.rest.ProblemException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * The dead letters of every topic: collected from the {@code .dlq} topics, counted by topic and reason for the admin
 * overview, and re-driven, that is put back on their source topic with their key, headers and bytes once the cause
 * is fixed. Every consumer applies a record idempotently, so a re-driven record that was in fact applied before, or
 * is re-driven twice after a crash between the send and the mark, changes nothing. A re-driven record that fails
 * again is set aside again, as a new dead letter.
 */
@ApplicationScoped
public class DeadLetterService {

    private static final Logger LOG = Logger.getLogger(DeadLetterService.class);
    private static final int REDRIVE_BATCH = 500;
    private static final long SEND_TIMEOUT_SECONDS = 30;

    /** A pending dead letter as operators see it (without its bytes). */
    public record DeadLetter(
            String topic,
            Integer partition,
            Long offset,
            String key,
            String reasonCode,
            String reason,
            String kind,
            Instant deadLetteredAt) {}

    public record Redrive(String topic, String reason, Integer partition, Long offset) {}

    public record Redriven(String topic, long redriven) {}

    private final DeadLetterRepository letters;
    private final RecordProducer producer;
    private final ObjectMapper json;
    private final Clock clock;

    DeadLetterService(DeadLetterRepository letters, RecordProducer producer, ObjectMapper json, Clock clock) {
        this.letters = letters;
        this.producer = producer;
        this.json = json;
        this.clock = clock;
    }

    /** Stores a record read from a {@code .dlq} topic; collecting it again changes nothing. */
    public void collect(KafkaRecord<String, byte[]> record) {
        IncomingKafkaRecordMetadata<?, ?> metadata = record.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow(() -> new IllegalArgumentException("Not a Kafka record: " + record));
        String dlqTopic = record.getTopic();
        String exceptionClass = header(record, DeadLetterHeaders.EXCEPTION_CLASS);
        String reasonCode = header(record, DeadLetterHeaders.REASON_CODE);
        if (reasonCode == null) {
            // set aside by something else than ConsumerPolicy (SmallRye's own strategy): its exception type
            reasonCode =
                    exceptionClass == null ? "unknown" : exceptionClass.substring(exceptionClass.lastIndexOf('.') + 1);
        }
        String sourceTopic = header(record, DeadLetterHeaders.TOPIC);
        String reason = header(record, DeadLetterHeaders.REASON);
        letters.insert(new Stored(
                dlqTopic,
                record.getPartition(),
                metadata.getOffset(),
                sourceTopic != null ? sourceTopic : dlqTopic.substring(0, dlqTopic.length() - ".dlq".length()),
                number(header(record, DeadLetterHeaders.PARTITION), Integer::valueOf),
                number(header(record, DeadLetterHeaders.OFFSET), Long::valueOf),
                record.getKey(),
                record.getPayload(),
                ownHeaders(record),
                reason == null ? "no reason given" : reason,
                reasonCode,
                header(record, DeadLetterHeaders.KIND),
                metadata.getTimestamp()));
    }

    /** Pending dead letters by source topic and reason code. */
    public Map<String, Map<String, Long>> pendingCounts() {
        return letters.pendingCounts();
    }

    public List<DeadLetter> pending(String topic, String reason, int limit) {
        if (topic == null || topic.isBlank()) {
            throw ProblemException.badRequest("topic is required: the source topic whose dead letters to list");
        }
        return letters.pending(new Selection(topic, reason, null, null), limit).stream()
                .map(letter -> new DeadLetter(
                        letter.sourceTopic(),
                        letter.sourcePartition(),
                        letter.sourceOffset(),
                        letter.key(),
                        letter.reasonCode(),
                        letter.reason(),
                        letter.kind(),
                        letter.deadLetteredAt()))
                .toList();
    }

    /**
     * Puts the selected pending dead letters back on their source topic: all of the topic's, those of one reason
     * code, or the one record that was at {@code partition}/{@code offset} of the source topic.
     */
    public Redriven redrive(Redrive request) {
        if (request == null || request.topic() == null || request.topic().isBlank()) {
            throw ProblemException.badRequest("topic is required: the source topic whose dead letters to re-drive");
        }
        if ((request.partition() == null) != (request.offset() == null)) {
            throw ProblemException.badRequest("partition and offset name one record together: give both or neither");
        }
        Selection selection = new Selection(request.topic(), request.reason(), request.partition(), request.offset());
        long total = 0;
        int sent;
        do {
            sent = QuarkusTransaction.requiringNew().call(() -> redriveBatch(selection));
            total += sent;
        } while (sent == REDRIVE_BATCH);
        LOG.infof(
                "Re-drove %d dead letters to %s (reason %s, record %s/%s)",
                total,
                request.topic(),
                request.reason() == null ? "any" : request.reason(),
                request.partition(),
                request.offset());
        return new Redriven(request.topic(), total);
    }

    /** One batch: locked, sent and awaited, then marked, all before the transaction commits. */
    private int redriveBatch(Selection selection) {
        List<Stored> batch = letters.lockPending(selection, REDRIVE_BATCH);
        Instant now = clock.instant();
        for (Stored letter : batch) {
            send(letter);
            letters.markRedriven(letter, now);
        }
        return batch.size();
    }

    private void send(Stored letter) {
        ProducerRecord<String, byte[]> record =
                new ProducerRecord<>(letter.sourceTopic(), letter.key(), letter.payload());
        try {
            for (JsonNode header : json.readTree(letter.headersJson())) {
                record.headers()
                        .add(
                                header.path("key").asText(),
                                Base64.getDecoder().decode(header.path("value").asText()));
            }
            producer.send(record).toCompletableFuture().get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable headers of a stored dead letter", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not take the re-driven record: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while re-driving", e);
        }
    }

    private String ownHeaders(KafkaRecord<String, byte[]> record) {
        ArrayNode headers = json.createArrayNode();
        for (Header header : record.getHeaders()) {
            if (!header.key().startsWith(DeadLetterHeaders.PREFIX) && header.value() != null) {
                headers.addObject()
                        .put("key", header.key())
                        .put("value", Base64.getEncoder().encodeToString(header.value()));
            }
        }
        return headers.toString();
    }

    private static String header(KafkaRecord<String, byte[]> record, String name) {
        Header header = record.getHeaders().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static <N> N number(String text, java.util.function.Function<String, N> parse) {
        try {
            return text == null ? null : parse.apply(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
