package io.audiospective.api;

import static io.audiospective.api.HistoryFiles.extended;
import static io.audiospective.api.HistoryFiles.newTrackId;
import static io.audiospective.api.HistoryFiles.oneEntryPerLine;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.audiospective.model.ImportChunk;
import io.audiospective.model.ImportProgress;
import io.audiospective.model.Topics;
import io.audiospective.model.codec.MessageCodec;
import io.audiospective.support.sql.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * {@code DELETE /api/v1/me/imports/{id}}: the job becomes UNDOING and the undo follows the import's chunks on
 * {@code imports}, keyed by the member; the worker's report makes it UNDONE with the plays removed. Only the member's
 * own import, and not while it is still being sent.
 */
@QuarkusTest
class ImportUndoTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    Tokens tokens;

    @Inject
    Db db;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    ImportsTopic imports;

    @BeforeEach
    void open() {
        imports = new ImportsTopic(bootstrapServers);
    }

    @AfterEach
    void close() {
        imports.close();
    }

    @Test
    void anUndoFollowsTheChunksAndTheWorkersReportEndsIt() {
        String user = "undo-" + UUID.randomUUID();
        String track = "spotify:track:" + newTrackId();
        Instant at = Instant.parse("2022-05-01T10:00:00Z");
        JsonPath job = given().auth()
                .oauth2(tokens.user(user))
                .contentType("application/json")
                .queryParam("name", "Streaming_History_Audio_2022.json")
                .body(oneEntryPerLine(
                        List.of(extended(at, 200_000, track), extended(at.plusSeconds(600), 200_000, track))))
                .when()
                .post("/api/v1/me/imports")
                .then()
                .statusCode(202)
                .extract()
                .jsonPath();
        String id = job.getString("id");
        await().atMost(WAIT).until(() -> imports.chunksOf(user).size() == 1);
        imports.reportDone(user, id, 1);
        await().atMost(WAIT).until(() -> "DONE".equals(job(user, id).getString("status")));

        given().auth()
                .oauth2(tokens.user("someone-" + UUID.randomUUID()))
                .when()
                .delete("/api/v1/me/imports/" + id)
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(tokens.user(user))
                .when()
                .delete("/api/v1/me/imports/" + id)
                .then()
                .statusCode(202)
                .body("status", equalTo("UNDOING"));

        await().atMost(WAIT).until(() -> imports.chunksOf(user).size() == 2);
        List<ImportChunk> sent = imports.chunksOf(user);
        assertThat(sent.get(0).undo()).isFalse();
        assertThat(sent.get(1)).isEqualTo(ImportChunk.undo(id, user));

        report(new ImportProgress(1, id, user, 2, 1, 2, 0, 0, 0, Map.of(), 0L, 0L, true, 2L));
        await().atMost(WAIT).until(() -> "UNDONE".equals(job(user, id).getString("status")));
        assertThat(job(user, id).getLong("removed")).isEqualTo(2);
        assertThat(job(user, id).getString("finishedAt")).isNotNull();
        // asking again changes nothing and sends nothing
        given().auth()
                .oauth2(tokens.user(user))
                .when()
                .delete("/api/v1/me/imports/" + id)
                .then()
                .statusCode(202)
                .body("status", equalTo("UNDONE"));
        assertThat(imports.chunksOf(user)).hasSize(2);
    }

    @Test
    void anImportStillBeingSentCannotBeUndoneYet() {
        String user = "undo-" + UUID.randomUUID();
        String id = UUID.randomUUID().toString();
        db.update("INSERT INTO imports (id, user_id, status) VALUES (?, ?, 'SENDING')", id, user);

        given().auth()
                .oauth2(tokens.user(user))
                .when()
                .delete("/api/v1/me/imports/" + id)
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:audiospective:problem:import-still-sending"))
                .body("detail", containsString("still being sent"));
        assertThat(job(user, id).getString("status")).isEqualTo("SENDING");
    }

    private void report(ImportProgress progress) {
        try (KafkaCompanion kafka = new KafkaCompanion(bootstrapServers)) {
            kafka.produce(String.class, byte[].class)
                    .fromRecords(new ProducerRecord<>(
                            Topics.IMPORTS_PROGRESS, progress.userId(), MessageCodec.encode(progress)))
                    .awaitCompletion(WAIT);
        }
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
