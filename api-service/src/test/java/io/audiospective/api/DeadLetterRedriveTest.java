package io.audiospective.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.audiospective.api.repository.StatsRepository;
import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.Topics;
import io.audiospective.model.TrackRef;
import io.audiospective.model.codec.MessageCodec;
import io.audiospective.support.sql.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * Plays dead-lettered while a bug was present (a trigger refusing one member's plays as data, SQLState class 22)
 * are counted in the admin overview, and once the bug is fixed a re-drive (one record by partition and offset, then
 * the rest by reason) puts them back on {@code plays}, where each is folded exactly once, even when re-driven twice.
 */
@QuarkusTest
class DeadLetterRedriveTest {

    private static final String BUG = "22Z42";
    private static final String REASON = "sqlstate-" + BUG;

    @Inject
    Db db;

    @Inject
    StatsRepository stats;

    @Inject
    Tokens tokens;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    KafkaCompanion kafka;
    String trigger;

    @BeforeEach
    void connect() {
        kafka = new KafkaCompanion(bootstrapServers);
    }

    @AfterEach
    void disconnect() {
        kafka.close();
        if (trigger != null) {
            db.update("DROP TRIGGER IF EXISTS " + trigger + " ON "
                    + stats.active().plays());
        }
    }

    @Test
    void playsDeadLetteredWhileABugWasPresentAreFoldedOnceEachByARedriveAfterTheFix() {
        String member = "user-" + UUID.randomUUID();
        String other = "user-" + UUID.randomUUID();
        String admin = tokens.admin("admin-" + UUID.randomUUID());
        introduceBug(member);

        Instant base = Instant.parse("2026-04-01T08:00:00Z");
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            records.add(record(PlayEvent.polled(member, base.plusSeconds(300L * i), track("m" + i))));
            records.add(record(PlayEvent.polled(other, base.plusSeconds(300L * i), track("o" + i))));
        }
        kafka.produce(String.class, byte[].class).fromRecords(records).awaitCompletion(Duration.ofSeconds(30));

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().auth()
                        .oauth2(admin)
                        .when()
                        .get("/api/v1/admin/overview")
                        .then()
                        .statusCode(200)
                        .body("deadLetters.plays.'" + REASON + "'", equalTo(5)));
        assertThat(count(other)).isEqualTo(5);
        assertThat(count(member)).isZero();
        List<Map<String, Object>> letters = given().auth()
                .oauth2(admin)
                .queryParam("topic", Topics.PLAYS)
                .queryParam("reason", REASON)
                .when()
                .get("/api/v1/admin/dead-letters")
                .then()
                .statusCode(200)
                .body("key", hasItem(member))
                .body("kind", hasItem("CONTENT"))
                .extract()
                .jsonPath()
                .getList("$");
        assertThat(letters).hasSize(5);

        fixBug();
        Map<String, Object> first = letters.get(0);
        given().auth()
                .oauth2(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("topic", Topics.PLAYS, "partition", first.get("partition"), "offset", first.get("offset")))
                .when()
                .post("/api/v1/admin/dead-letters/redrive")
                .then()
                .statusCode(200)
                .body("redriven", equalTo(1));
        await().atMost(Duration.ofSeconds(30)).until(() -> count(member) == 1);

        given().auth()
                .oauth2(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("topic", Topics.PLAYS, "reason", REASON))
                .when()
                .post("/api/v1/admin/dead-letters/redrive")
                .then()
                .statusCode(200)
                .body("redriven", equalTo(4));
        String token = tokens.user(member);
        StatsPropertyTest.awaitPlays(token, 5);
        given().auth()
                .oauth2(admin)
                .when()
                .get("/api/v1/admin/overview")
                .then()
                .statusCode(200)
                .body("deadLetters.plays", not(org.hamcrest.Matchers.hasKey(REASON)));
        given().auth()
                .oauth2(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("topic", Topics.PLAYS, "reason", REASON))
                .when()
                .post("/api/v1/admin/dead-letters/redrive")
                .then()
                .statusCode(200)
                .body("redriven", equalTo(0));

        // Sent again (as after a crash between the send and its mark): the fold counts nothing twice. A marker
        // play after them on the member's partition tells when they have been read.
        db.update("UPDATE dead_letters SET redriven_at = NULL WHERE record_key = ?", member);
        given().auth()
                .oauth2(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("topic", Topics.PLAYS, "reason", REASON))
                .when()
                .post("/api/v1/admin/dead-letters/redrive")
                .then()
                .statusCode(200)
                .body("redriven", equalTo(5));
        kafka.produce(String.class, byte[].class)
                .fromRecords(record(PlayEvent.polled(member, base.plusSeconds(3600), track("marker"))))
                .awaitCompletion(Duration.ofSeconds(30));
        StatsPropertyTest.awaitPlays(token, 6);
        assertThat(count(member)).isEqualTo(6);
    }

    @Test
    void aRedriveNamesItsTopicAndAWholeRecord() {
        String admin = tokens.admin("admin-" + UUID.randomUUID());
        given().auth()
                .oauth2(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("reason", REASON))
                .when()
                .post("/api/v1/admin/dead-letters/redrive")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("topic"));
        given().auth()
                .oauth2(admin)
                .contentType(ContentType.JSON)
                .body(Map.of("topic", Topics.PLAYS, "partition", 0))
                .when()
                .post("/api/v1/admin/dead-letters/redrive")
                .then()
                .statusCode(400)
                .body("detail", org.hamcrest.Matchers.containsString("partition and offset"));
        given().auth()
                .oauth2(tokens.user("user-" + UUID.randomUUID()))
                .contentType(ContentType.JSON)
                .body(Map.of("topic", Topics.PLAYS))
                .when()
                .post("/api/v1/admin/dead-letters/redrive")
                .then()
                .statusCode(403);
    }

    /** The "bug": the read model refuses this member's plays as invalid data. */
    private void introduceBug(String member) {
        trigger = "refuse_" + member.replace("-", "_").replace("user_", "");
        db.update("CREATE FUNCTION " + trigger + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " IF NEW.user_id = '" + member + "' THEN RAISE EXCEPTION 'test bug' USING ERRCODE = '" + BUG
                + "'; END IF; RETURN NEW; END $$");
        db.update("CREATE TRIGGER " + trigger + " BEFORE INSERT ON "
                + stats.active().plays() + " FOR EACH ROW EXECUTE FUNCTION " + trigger + "()");
    }

    private void fixBug() {
        db.update("DROP TRIGGER " + trigger + " ON " + stats.active().plays());
        trigger = null;
    }

    private long count(String userId) {
        return db.queryOne(
                        "SELECT count(*) FROM " + stats.active().plays() + " WHERE user_id = ?",
                        rs -> rs.getLong(1),
                        userId)
                .orElseThrow();
    }

    private static ProducerRecord<String, byte[]> record(PlayEvent play) {
        return new ProducerRecord<>(Topics.PLAYS, play.userId(), MessageCodec.encode(play));
    }

    private static TrackRef track(String id) {
        return new TrackRef(
                id,
                "Track " + id,
                180_000,
                null,
                new AlbumRef("al-" + id, "Album " + id, "2020", null),
                List.of(new ArtistRef("ar-" + id, "Artist " + id)));
    }
}
