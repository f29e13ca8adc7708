package io.audiospective.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.audiospective.model.ArchiveOutcome;
import io.audiospective.model.Topics;
import io.audiospective.model.UserEvent;
import io.audiospective.model.UserEventType;
import io.audiospective.support.MemberKey;
import io.audiospective.support.sql.Db;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Lifecycle events are ordered by auth-service's sequence; a deletion leaves no row holding the member's id, and its
 * tombstone orders what comes after.
 */
@QuarkusTest
class MemberLifecycleTest {

    private static final Instant NOON = Instant.parse("2026-03-01T12:00:00Z");

    @Inject
    Tokens tokens;

    @Inject
    Db db;

    @Inject
    TestTopics topics;

    @Test
    void theSequenceOrdersAMembersEventsWhateverTheReplicasClocksSay() {
        String user = "user-" + UUID.randomUUID();
        String token = tokens.user(user);
        send(UserEvent.of(user, UserEventType.REGISTERED, 10, NOON, "Ada", null));
        // redelivered or re-driven: an older deletion stamped by a replica whose clock ran an hour ahead
        send(UserEvent.of(user, UserEventType.DELETED, 9, NOON.plus(Duration.ofHours(1)), null, null));
        // the newest change, stamped by a replica whose clock runs an hour behind
        send(UserEvent.of(user, UserEventType.NEEDS_REAUTH, 11, NOON.minus(Duration.ofHours(1)), null, null));

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().auth()
                        .oauth2(token)
                        .when()
                        .get("/api/v1/me")
                        .then()
                        .statusCode(200)
                        .body("archive.state", equalTo("NEEDS_REAUTH"))
                        .body("displayName", equalTo("Ada")));
    }

    @Test
    void aDeletionLeavesNoRowHoldingTheIdAndItsTombstoneStillOrdersLaterEvents() {
        String user = "user-" + UUID.randomUUID();
        String token = tokens.user(user);
        send(UserEvent.of(user, UserEventType.REGISTERED, 1, NOON, "Ada", null));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().auth()
                        .oauth2(token)
                        .when()
                        .get("/api/v1/me")
                        .then()
                        .statusCode(200)
                        .body("archive.state", equalTo("ACTIVE")));
        db.update(
                "INSERT INTO imports (id, user_id, status, files) VALUES (?, ?, 'DONE', ?)",
                "imp-" + user,
                user,
                new String[] {"StreamingHistory_music_0.json"});
        db.update("""
                INSERT INTO dead_letters (dlq_topic, dlq_partition, dlq_offset, source_topic, record_key, reason,
                    reason_code, dead_lettered_at) VALUES ('plays.dlq', 0, ?, 'plays', ?, 'test', 'TEST', now())
                """, System.nanoTime(), user);

        send(UserEvent.of(user, UserEventType.DELETED, 2, NOON.plusSeconds(60), null, null));

        await().atMost(Duration.ofSeconds(60))
                .until(() -> db.queryOne(
                                "SELECT 1 FROM deleted_users WHERE user_key = ? AND last_event_sequence = 2",
                                rs -> true,
                                MemberKey.of(user))
                        .isPresent());
        assertThat(db.query("SELECT state FROM user_status WHERE user_id = ?", rs -> rs.getString(1), user))
                .isEmpty();
        assertThat(db.query("SELECT id FROM imports WHERE user_id = ?", rs -> rs.getString(1), user))
                .isEmpty();
        assertThat(db.query("SELECT time_zone FROM user_settings WHERE user_id = ?", rs -> rs.getString(1), user))
                .isEmpty();
        assertThat(db.query("SELECT reason FROM dead_letters WHERE record_key = ?", rs -> rs.getString(1), user))
                .isEmpty();
        given().auth()
                .oauth2(token)
                .when()
                .get("/api/v1/me")
                .then()
                .statusCode(200)
                .body("archive.state", equalTo("DELETED"))
                .body("displayName", equalTo(null));
        given().auth()
                .oauth2(tokens.admin("ops"))
                .when()
                .get("/api/v1/admin/overview")
                .then()
                .statusCode(200)
                .body("usersByState.DELETED", greaterThanOrEqualTo(1));

        // a poll that ended as the member left brings no row back (its hour is this test's own, to see it counted)
        Instant polled = Instant.parse("2031-01-01T00:00:00Z").plus(Duration.ofHours(new Random().nextInt(100_000)));
        send(
                Topics.ARCHIVE_OUTCOMES,
                user,
                ArchiveOutcome.success("b-" + user, user, polled, polled, 1, false, false, false));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> db.queryOne("SELECT 1 FROM poll_outcomes_hourly WHERE hour = ?", rs -> true, polled)
                        .isPresent());
        assertThat(db.query("SELECT state FROM user_status WHERE user_id = ?", rs -> rs.getString(1), user))
                .isEmpty();

        // their old sign-up re-delivered is older than the tombstone; the same account signing up again is newer
        send(UserEvent.of(user, UserEventType.REGISTERED, 1, NOON.plusSeconds(120), "Ada", null));
        send(UserEvent.of(user, UserEventType.REGISTERED, 3, NOON.plusSeconds(180), "Ada again", null));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().auth()
                        .oauth2(token)
                        .when()
                        .get("/api/v1/me")
                        .then()
                        .statusCode(200)
                        .body("archive.state", equalTo("ACTIVE"))
                        .body("displayName", equalTo("Ada again"))
                        .body(
                                "archive.archivingSince",
                                equalTo(NOON.plusSeconds(180).toString()))
                        .body("archive.lastSuccessfulPoll", equalTo(null)));
    }

    private void send(UserEvent event) {
        send(Topics.USERS, event.userId(), event);
    }

    private void send(String topic, String key, Object message) {
        topics.send(topic, key, message);
    }
}
