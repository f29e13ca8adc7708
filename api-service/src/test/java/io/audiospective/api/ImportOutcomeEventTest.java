package io.audiospective.api;

import static io.audiospective.api.HistoryFiles.extended;
import static io.audiospective.api.HistoryFiles.newTrackId;
import static io.audiospective.api.HistoryFiles.oneEntryPerLine;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.audiospective.model.ImportOutcome;
import io.audiospective.model.ImportProgress;
import io.audiospective.model.Topics;
import io.audiospective.model.codec.MessageCodec;
import io.audiospective.support.sql.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * A job that ends writes its {@link ImportOutcome} in the transaction of the status change, and the outbox relays it
 * to {@code imports.outcomes} once: reports repeated or arriving after the end, and reading a failed job again,
 * publish nothing more.
 */
@QuarkusTest
class ImportOutcomeEventTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    Tokens tokens;

    @Inject
    Db db;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    ImportsTopic imports;
    KafkaCompanion kafka;
    ConsumerTask<String, byte[]> outcomes;

    @BeforeEach
    void open() {
        imports = new ImportsTopic(bootstrapServers);
        kafka = new KafkaCompanion(bootstrapServers);
        outcomes = kafka.consume(String.class, byte[].class)
                .withGroupId("test-" + UUID.randomUUID())
                .withOffsetReset(OffsetResetStrategy.EARLIEST)
                .fromTopics(Topics.IMPORT_OUTCOMES);
    }

    @AfterEach
    void close() {
        outcomes.close();
        kafka.close();
        imports.close();
    }

    @Test
    void aJobThatBecomesDonePublishesItsFiguresOnce() {
        String user = "outcome-" + UUID.randomUUID();
        String track = "spotify:track:" + newTrackId();
        Instant at = Instant.parse("2022-06-01T10:00:00Z");
        String id = given().auth()
                .oauth2(tokens.user(user))
                .contentType("application/json")
                .queryParam("name", "Streaming_History_Audio_2022.json")
                .body(oneEntryPerLine(List.of(
                        extended(at, 200_000, track),
                        extended(at.plusSeconds(600), 200_000, track),
                        extended(at.plusSeconds(1200), 200_000, track))))
                .when()
                .post("/api/v1/me/imports")
                .then()
                .statusCode(202)
                .extract()
                .jsonPath()
                .getString("id");
        await().atMost(WAIT).until(() -> imports.chunksOf(user).size() == 1);

        // the worker's last report, delivered twice: one status change, one event
        ImportProgress last = new ImportProgress(1, id, user, 1, 1, 2, 1, 0, 0);
        report(user, last);
        report(user, last);
        await().atMost(WAIT).until(() -> "DONE".equals(job(user, id).getString("status")));
        // a later report (the catalogue completion) changes the figures of a job that is DONE already
        report(user, new ImportProgress(1, id, user, 2, 1, 2, 1, 0, 0, null, 0L, 1L));
        await().atMost(WAIT).until(() -> job(user, id).getLong("withoutCatalogue") == 1);

        // everything written to the outbox is on the topic once the outbox is empty
        await().atMost(WAIT).until(() -> waiting(user) == 0);
        await().atMost(WAIT).until(() -> outcomesOf(user).size() == 1);
        ImportOutcome outcome = outcomesOf(user).get(0);
        assertThat(outcome.importId()).isEqualTo(id);
        assertThat(outcome.result()).isEqualTo(ImportOutcome.Result.DONE);
        assertThat(outcome.entriesRead()).isEqualTo(3);
        assertThat(outcome.imported()).isEqualTo(2);
        assertThat(outcome.duplicates()).isEqualTo(1);
        assertThat(outcome.error()).isNull();
        assertThat(outcome.finishedAt()).isEqualTo(Instant.parse(job(user, id).getString("finishedAt")));
    }

    @Test
    void aJobWhoseSendingWasAbandonedPublishesItsFailureWithTheReasonOnce() {
        String user = "outcome-" + UUID.randomUUID();
        String id = UUID.randomUUID().toString();
        // a job a replica stopped sending an hour ago: the next read fails it
        db.update(
                "INSERT INTO imports (id, user_id, status, created_at) VALUES (?, ?, 'SENDING', ?)",
                id,
                user,
                Instant.now().minus(Duration.ofHours(1)));

        assertThat(job(user, id).getString("status")).isEqualTo("FAILED");
        given().auth()
                .oauth2(tokens.user(user))
                .when()
                .get("/api/v1/me/imports")
                .then()
                .statusCode(200);

        await().atMost(WAIT).until(() -> waiting(user) == 0);
        await().atMost(WAIT).until(() -> outcomesOf(user).size() == 1);
        ImportOutcome outcome = outcomesOf(user).get(0);
        assertThat(outcome.importId()).isEqualTo(id);
        assertThat(outcome.result()).isEqualTo(ImportOutcome.Result.FAILED);
        assertThat(outcome.error()).isEqualTo(job(user, id).getString("error")).contains("upload the file again");
    }

    private List<ImportOutcome> outcomesOf(String user) {
        return outcomes.getRecords().stream()
                .filter(r -> user.equals(r.key()))
                .map(r -> MessageCodec.decode(r.value(), ImportOutcome.class))
                .toList();
    }

    /** The member's events still in the outbox. */
    private long waiting(String user) {
        return db.queryOne("SELECT count(*) FROM import_outcomes_outbox WHERE user_id = ?", rs -> rs.getLong(1), user)
                .orElseThrow();
    }

    private void report(String user, ImportProgress progress) {
        kafka.produce(String.class, byte[].class)
                .fromRecords(new ProducerRecord<>(Topics.IMPORTS_PROGRESS, user, MessageCodec.encode(progress)))
                .awaitCompletion(WAIT);
    }

    private JsonPath job(String user, String id) {
        return given().auth()
                .oauth2(tokens.user(user))
                .when()
                .get("/api/v1/me/imports/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }
}
