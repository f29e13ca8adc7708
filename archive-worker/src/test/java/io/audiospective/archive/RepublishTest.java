package io.audiospective.archive;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.audiospective.model.ArchiveBatch;
import io.audiospective.model.ArchiveOutcome;
import io.audiospective.model.BatchReason;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.TopicSpec;
import io.audiospective.model.Topics;
import io.audiospective.model.codec.MessageCodec;
import io.audiospective.support.sql.Db;
import io.audiospective.testing.ApiTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * Republishing the archive ({@code POST /admin/republish}) with real PostgreSQL, Kafka and the Spotify emulator:
 * plays archived by polls are written onto an empty topic exactly as the normal path wrote them onto {@code plays}
 * (same key, same partition, same event, each once), for everyone or one member from an instant; a job left by a
 * replica that stopped resumes after its position; bad requests get problem details.
 */
@QuarkusTest
class RepublishTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @Inject
    Db db;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    KafkaCompanion kafka;
    ConsumerTask<String, byte[]> outcomes;
    ConsumerTask<String, byte[]> plays;

    @BeforeEach
    void listen() {
        kafka = new KafkaCompanion(bootstrapServers);
        outcomes = kafka.consume(String.class, byte[].class)
                .withGroupId("test-" + UUID.randomUUID())
                .withOffsetReset(OffsetResetStrategy.EARLIEST)
                .fromTopics(Topics.ARCHIVE_OUTCOMES);
        plays = kafka.consume(String.class, byte[].class)
                .withGroupId("test-" + UUID.randomUUID())
                .withOffsetReset(OffsetResetStrategy.EARLIEST)
                .fromTopics(Topics.PLAYS);
    }

    @AfterEach
    void close() {
        outcomes.close();
        plays.close();
        kafka.close();
    }

    @Test
    void everyonesPlaysRepublishedOntoAnEmptyTopicAreWhatTheNormalPathPublishedEachOnce() {
        String run = run();
        List<String> members = archive(run, 4);
        Map<String, ConsumerRecord<String, byte[]>> normal = awaitNormalPath(members);

        String topic = freshTopic("plays-rebuild-" + run);
        long id = requestRepublish(Map.of("topic", topic));
        Map<String, Object> job = awaitDone(id);
        long total = archivedCount();
        assertThat(((Number) job.get("total")).longValue()).isEqualTo(total);
        assertThat(((Number) job.get("published")).longValue()).isEqualTo(total);

        List<ConsumerRecord<String, byte[]>> republished = readAll(topic, total);
        assertThat(republished).hasSize((int) total);
        Map<String, ConsumerRecord<String, byte[]>> ours = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : republished) {
            PlayEvent event = MessageCodec.decode(record.value(), PlayEvent.class);
            assertThat(record.key()).isEqualTo(event.userId());
            if (members.contains(event.userId())) {
                assertThat(ours.put(identity(event), record))
                        .as("each play once")
                        .isNull();
            }
        }
        assertThat(ours.keySet()).isEqualTo(normal.keySet());
        ours.forEach((play, record) -> {
            ConsumerRecord<String, byte[]> original = normal.get(play);
            assertThat(MessageCodec.decode(record.value(), PlayEvent.class))
                    .isEqualTo(MessageCodec.decode(original.value(), PlayEvent.class));
            assertThat(record.key()).isEqualTo(original.key());
            // same key, same partition count: the member's plays land on the same partition, in order
            assertThat(record.partition()).isEqualTo(original.partition());
        });
        for (String member : members) {
            List<Instant> order = republished.stream()
                    .filter(r -> r.key().equals(member))
                    .map(r -> MessageCodec.decode(r.value(), PlayEvent.class).playedAt())
                    .toList();
            assertThat(order).isSortedAccordingTo(Comparator.naturalOrder());
        }
    }

    @Test
    void oneMemberFromAnInstantGetsExactlyThosePlays() {
        String run = run();
        List<String> members = archive(run, 2);
        awaitNormalPath(members);
        String member = members.get(0);
        List<Instant> archived = archivedInstants(member);
        Instant since = archived.get(archived.size() / 2);

        String topic = freshTopic("plays-member-" + run);
        long id = requestRepublish(Map.of("userId", member, "since", since.toString(), "topic", topic));
        awaitDone(id);

        List<Instant> expected =
                archived.stream().filter(t -> !t.isBefore(since)).toList();
        List<ConsumerRecord<String, byte[]>> republished = readAll(topic, expected.size());
        assertThat(republished).allMatch(r -> r.key().equals(member));
        assertThat(republished.stream()
                        .map(r ->
                                MessageCodec.decode(r.value(), PlayEvent.class).playedAt())
                        .toList())
                .isEqualTo(expected);
    }

    @Test
    void aJobAReplicaLeftBehindResumesAfterItsPosition() {
        String run = run();
        List<String> members = archive(run, 1);
        awaitNormalPath(members);
        String member = members.get(0);
        List<Instant> archived = archivedInstants(member);
        Instant position = archived.get(archived.size() / 3);
        String topic = freshTopic("plays-resume-" + run);
        // as a replica that wrote up to `position` and then died leaves it: running, lease expired
        QuarkusTransaction.requiringNew()
                .run(() -> db.update(
                        """
                        INSERT INTO republish_jobs (user_id, topic, state, total, published, position_user_id,
                                                    position_played_at, owner, lease_until, started_at)
                        VALUES (?, ?, 'RUNNING', ?, ?, ?,
                                TIMESTAMPTZ 'epoch' + ? * INTERVAL '1 microsecond', 'a-replica-that-died',
                                now() - INTERVAL '1 second', now())""",
                        member,
                        topic,
                        (long) archived.size(),
                        (long) archived.indexOf(position) + 1,
                        member,
                        micros(position)));
        long id = ((Number) QuarkusTransaction.requiringNew()
                        .call(() -> db.queryOne(
                                        "SELECT id FROM republish_jobs WHERE topic = ?", rs -> rs.getObject(1), topic)
                                .orElse(null)))
                .longValue();

        Map<String, Object> job = awaitDone(id);
        assertThat(((Number) job.get("published")).longValue()).isEqualTo(archived.size());
        List<Instant> rest = archived.subList(archived.indexOf(position) + 1, archived.size());
        assertThat(readAll(topic, rest.size()).stream()
                        .map(r ->
                                MessageCodec.decode(r.value(), PlayEvent.class).playedAt())
                        .toList())
                .isEqualTo(rest);
    }

    @Test
    void badRequestsGetProblemDetailsAndOnlyAdminsMayAsk() {
        admin().contentType(ContentType.JSON)
                .body(Map.of("since", "yesterday"))
                .post("/admin/republish")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("'invalid-params'[0].name", equalTo("since"));
        admin().contentType(ContentType.JSON)
                .body(Map.of("userId", "nobody-" + run()))
                .post("/admin/republish")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        admin().contentType(ContentType.JSON)
                .body(Map.of("topic", "users"))
                .post("/admin/republish")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("'invalid-params'[0].name", equalTo("topic"));
        admin().get("/admin/republish/987654321").then().statusCode(404).contentType("application/problem+json");
        given().contentType(ContentType.JSON)
                .body(Map.of())
                .post("/admin/republish")
                .then()
                .statusCode(401);
        given().auth()
                .oauth2(ApiTokens.ofTestIssuer().user("member-" + run()))
                .contentType(ContentType.JSON)
                .body(Map.of())
                .post("/admin/republish")
                .then()
                .statusCode(403);
    }

    @Test
    void aSecondJobWhileOneIsActiveIsRefused() {
        String topic = "plays-held-" + run();
        // an active job another replica holds (lease in the future): this one may not start a second
        QuarkusTransaction.requiringNew()
                .run(() -> db.update(
                        "INSERT INTO republish_jobs (topic, state, owner, lease_until) VALUES (?, 'RUNNING',"
                                + " 'another-replica', now() + INTERVAL '1 hour')",
                        topic));
        try {
            admin().contentType(ContentType.JSON)
                    .body(Map.of())
                    .post("/admin/republish")
                    .then()
                    .statusCode(409)
                    .contentType("application/problem+json");
        } finally {
            QuarkusTransaction.requiringNew().run(() -> db.update("DELETE FROM republish_jobs WHERE topic = ?", topic));
        }
    }

    /** Polls {@code count} new members once; returns them once every poll succeeded. */
    private List<String> archive(String run, int count) {
        List<String> members = Emulator.createUsers(run + "m", "typical", count);
        ArchiveBatch batch = ArchiveBatch.of("batch-" + run, Instant.now(), BatchReason.SCHEDULED, members);
        kafka.produce(String.class, byte[].class)
                .fromRecords(new ProducerRecord<>(Topics.ARCHIVE_BATCHES, batch.batchId(), MessageCodec.encode(batch)))
                .awaitCompletion(WAIT);
        await().atMost(WAIT)
                .until(() -> outcomes.getRecords().stream()
                        .map(r -> MessageCodec.decode(r.value(), ArchiveOutcome.class))
                        .filter(o -> o.batchId().equals(batch.batchId()) && o.succeeded())
                        .map(ArchiveOutcome::userId)
                        .collect(Collectors.toSet())
                        .containsAll(members));
        assertThat(members).allMatch(m -> !archivedInstants(m).isEmpty());
        return members;
    }

    /** The members' plays as the outbox relay published them on {@code plays}, by (user, played_at). */
    private Map<String, ConsumerRecord<String, byte[]>> awaitNormalPath(List<String> members) {
        Set<String> archived = members.stream()
                .flatMap(m -> archivedInstants(m).stream().map(t -> m + "@" + t))
                .collect(Collectors.toSet());
        await().atMost(WAIT).until(() -> normalPath(members).keySet().containsAll(archived));
        return normalPath(members);
    }

    private Map<String, ConsumerRecord<String, byte[]>> normalPath(List<String> members) {
        Map<String, ConsumerRecord<String, byte[]>> byPlay = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : plays.getRecords()) {
            if (members.contains(record.key())) {
                byPlay.put(identity(MessageCodec.decode(record.value(), PlayEvent.class)), record);
            }
        }
        return byPlay;
    }

    private String freshTopic(String name) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic(name, TopicSpec.localPartitions(), (short) 1)))
                    .all()
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return name;
    }

    private long requestRepublish(Map<String, String> body) {
        return admin().contentType(ContentType.JSON)
                .body(body)
                .post("/admin/republish")
                .then()
                .statusCode(202)
                .body("state", equalTo("QUEUED"))
                .extract()
                .jsonPath()
                .getLong("id");
    }

    private Map<String, Object> awaitDone(long id) {
        await().atMost(WAIT)
                .until(
                        () -> admin().get("/admin/republish/" + id)
                                .then()
                                .extract()
                                .path("state"),
                        "DONE"::equals);
        return admin().get("/admin/republish/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("");
    }

    private List<ConsumerRecord<String, byte[]>> readAll(String topic, long expected) {
        ConsumerTask<String, byte[]> task = kafka.consume(String.class, byte[].class)
                .withGroupId("test-" + UUID.randomUUID())
                .withOffsetReset(OffsetResetStrategy.EARLIEST)
                .fromTopics(topic, expected);
        try {
            task.awaitCompletion(WAIT);
            return new ArrayList<>(task.getRecords());
        } finally {
            task.close();
        }
    }

    @SuppressWarnings("unchecked")
    private List<Instant> archivedInstants(String member) {
        return QuarkusTransaction.requiringNew()
                .call(() -> ((List<Object>) db.query(
                                "SELECT (extract(epoch FROM played_at) * 1000000)::bigint"
                                        + " FROM play_events WHERE user_id = ? ORDER BY played_at",
                                rs -> rs.getObject(1),
                                member))
                        .stream()
                                .map(v -> Instant.EPOCH.plusNanos(((Number) v).longValue() * 1000))
                                .toList());
    }

    private long archivedCount() {
        return ((Number) QuarkusTransaction.requiringNew()
                        .call(() -> db.queryOne("SELECT count(*) FROM play_events", rs -> rs.getObject(1))
                                .orElse(null)))
                .longValue();
    }

    private static RequestSpecification admin() {
        return given().auth().oauth2(ApiTokens.ofTestIssuer().admin("republish-test-admin"));
    }

    private static String identity(PlayEvent play) {
        return play.userId() + "@" + play.playedAt();
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1000;
    }

    private static String run() {
        return "r" + UUID.randomUUID().toString().substring(0, 6);
    }
}
