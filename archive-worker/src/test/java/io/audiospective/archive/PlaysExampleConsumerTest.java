package io.audiospective.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Properties;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.audiospective.model.ArchiveBatch;
import io.audiospective.model.ArchiveOutcome;
import io.audiospective.model.BatchReason;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.Topics;
import io.audiospective.model.codec.MessageCodec;
import io.audiospective.support.sql.Db;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * The example consumer of docs/plays-consumer-contract.md: a plain {@link KafkaConsumer} in a new group with {@code
 * auto.offset.reset=earliest} backfills the whole history of {@code plays}, stays current (plays archived after it
 * caught up reach it too) and, de-duplicating on (user, played_at), ends with exactly the archive's plays.
 */
@QuarkusTest
class PlaysExampleConsumerTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @Inject
    Db db;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    /** What the example consumer keeps: each member's plays, one per (user, played_at). */
    private final Map<String, NavigableSet<Instant>> playsByMember = new ConcurrentHashMap<>();

    private final AtomicLong recordsRead = new AtomicLong();

    @Test
    void anExampleConsumerBackfillsTheWholeHistoryAndStaysCurrent() throws Exception {
        String run = "r" + UUID.randomUUID().toString().substring(0, 6);
        try (KafkaCompanion kafka = new KafkaCompanion(bootstrapServers)) {
            List<String> before = archive(kafka, run + "a", 2);
            // on the topic before the consumer exists: it has to backfill them
            await().atMost(WAIT).until(() -> published(before));

            KafkaConsumer<String, byte[]> consumer = exampleConsumer();
            Thread loop = new Thread(() -> consume(consumer), "example-plays-consumer");
            loop.start();
            try {
                // backfill: everything archived before the consumer existed
                await().atMost(WAIT).until(() -> caughtUp(before));

                // and then current: members polled after it caught up
                List<String> after = archive(kafka, run + "b", 2);
                await().atMost(WAIT).until(() -> caughtUp(after));

                for (String member : concat(before, after)) {
                    assertThat(playsByMember.get(member)).as(member).isEqualTo(archived(member));
                }
            } finally {
                consumer.wakeup();
                loop.join(WAIT.toMillis());
            }
        }
        assertThat(recordsRead.get()).isPositive();
    }

    private KafkaConsumer<String, byte[]> exampleConsumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // a new group reads the topic from its first record: plays keeps every play forever
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "example-consumer-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    private void consume(KafkaConsumer<String, byte[]> consumer) {
        try (consumer) {
            consumer.subscribe(List.of(Topics.PLAYS));
            while (true) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    apply(MessageCodec.decode(record.value(), PlayEvent.class));
                    recordsRead.incrementAndGet();
                }
                // a real consumer commits once its own store holds what it applied
                consumer.commitSync();
            }
        } catch (WakeupException stopped) {
            // the test is over
        }
    }

    /** De-duplication on (user, played_at); a removal takes the play out. */
    private void apply(PlayEvent play) {
        NavigableSet<Instant> plays = playsByMember.computeIfAbsent(play.userId(), m -> new ConcurrentSkipListSet<>());
        if (play.removed()) {
            plays.remove(play.playedAt());
        } else {
            plays.add(play.playedAt());
        }
    }

    private boolean caughtUp(List<String> members) {
        return members.stream().allMatch(m -> archived(m).equals(playsByMember.get(m)));
    }

    private List<String> archive(KafkaCompanion kafka, String prefix, int count) {
        List<String> members = Emulator.createUsers(prefix, "typical", count);
        ArchiveBatch batch = ArchiveBatch.of("batch-" + prefix, Instant.now(), BatchReason.SCHEDULED, members);
        ConsumerTask<String, byte[]> outcomes = kafka.consume(String.class, byte[].class)
                .withGroupId("test-" + UUID.randomUUID())
                .withOffsetReset(OffsetResetStrategy.EARLIEST)
                .fromTopics(Topics.ARCHIVE_OUTCOMES);
        try {
            kafka.produce(String.class, byte[].class)
                    .fromRecords(
                            new ProducerRecord<>(Topics.ARCHIVE_BATCHES, batch.batchId(), MessageCodec.encode(batch)))
                    .awaitCompletion(WAIT);
            await().atMost(WAIT)
                    .until(() -> outcomes.getRecords().stream()
                            .map(r -> MessageCodec.decode(r.value(), ArchiveOutcome.class))
                            .filter(o -> o.batchId().equals(batch.batchId()) && o.succeeded())
                            .map(ArchiveOutcome::userId)
                            .collect(Collectors.toSet())
                            .containsAll(members));
        } finally {
            outcomes.close();
        }
        assertThat(members).allMatch(m -> !archived(m).isEmpty());
        return members;
    }

    /** Whether the outbox relay has published every archived play of the members (their outbox rows are gone). */
    private boolean published(List<String> members) {
        return QuarkusTransaction.requiringNew()
                        .call(() -> ((Number) db.queryOne(
                                                "SELECT count(*) FROM outbox WHERE message_key = ANY(?)",
                                                rs -> rs.getObject(1),
                                                members)
                                        .orElse(null))
                                .longValue())
                == 0;
    }

    @SuppressWarnings("unchecked")
    private NavigableSet<Instant> archived(String member) {
        return QuarkusTransaction.requiringNew()
                .call(() -> ((List<Object>) db.query(
                                "SELECT (extract(epoch FROM played_at) * 1000000)::bigint"
                                        + " FROM play_events WHERE user_id = ?",
                                rs -> rs.getObject(1),
                                member))
                        .stream()
                                .map(v -> Instant.EPOCH.plusNanos(((Number) v).longValue() * 1000))
                                .collect(Collectors.toCollection(TreeSet::new)));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
