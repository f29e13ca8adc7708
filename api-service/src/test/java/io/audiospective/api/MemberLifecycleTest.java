package io.audiospective.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.audiospective.api.repository.Db;
import io.audiospective.model.Topics;
import io.audiospective.model.UserEvent;
import io.audiospective.model.UserEventType;
import io.audiospective.model.codec.MessageCodec;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/** Lifecycle events are ordered by auth-service's sequence; a deletion leaves none of the member's imports behind. */
@QuarkusTest
class MemberLifecycleTest {

    private static final Instant NOON = Instant.parse("2026-03-01T12:00:00Z");

    @Inject
    Tokens tokens;

    @Inject
    Db db;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    KafkaCompanion kafka;

    @BeforeEach
    void connect() {
        kafka = new KafkaCompanion(bootstrapServers);
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }

    @Test
    void theSequenceOrdersAMembersEventsWhateverTheReplicasClocksSay() {
        String user = "user-" + UUID.randomUUID();
        String token = tokens.user(user);
        send(UserEvent.of(user, UserEventType.REGISTERED, 10, NOON, "Ada", null));
        // redelivered or re-driven: an older deletion stamped by a replica whose clock ran an hour ahead
        send(UserEvent.of(user, UserEventType.DELETED, 9, NOON.plus(Duration.ofHours(1)), null, null));
        // the newest change, stamped by a replica whose clock runs an hour behind
        send(UserEvent.of(user, UserEventType.NEEDS_REAUTH, 11, NOON.minus(Duration.ofHours(1)), null, null));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().auth().oauth2(token)
                .when().get("/api/v1/me").then().statusCode(200)
                .body("archive.state", equalTo("NEEDS_REAUTH")).body("displayName", equalTo("Ada")));
    }

    @Test
    void aDeletedMembersImportsAreDeleted() {
        String user = "user-" + UUID.randomUUID();
        String token = tokens.user(user);
        send(UserEvent.of(user, UserEventType.REGISTERED, 1, NOON, "Ada", null));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().auth().oauth2(token)
                .when().get("/api/v1/me").then().statusCode(200).body("archive.state", equalTo("ACTIVE")));
        db.update("INSERT INTO imports (id, user_id, status, files) VALUES (?, ?, 'DONE', ?)", "imp-" + user, user,
                new String[] {"StreamingHistory_music_0.json"});

        send(UserEvent.of(user, UserEventType.DELETED, 2, NOON.plusSeconds(60), null, null));

        await().atMost(Duration.ofSeconds(60)).until(() -> db.queryOne(
                "SELECT state FROM user_status WHERE user_id = ?", rs -> rs.getString(1), user)
                .filter("DELETED"::equals).isPresent());
        assertThat(db.query("SELECT id FROM imports WHERE user_id = ?", rs -> rs.getString(1), user)).isEmpty();
        assertThat(db.query("SELECT time_zone FROM user_settings WHERE user_id = ?", rs -> rs.getString(1), user))
                .isEmpty();
    }

    private void send(UserEvent event) {
        kafka.produce(String.class, byte[].class)
                .fromRecords(new ProducerRecord<>(Topics.USERS, event.userId(), MessageCodec.encode(event)))
                .awaitCompletion(Duration.ofSeconds(30));
    }
}
