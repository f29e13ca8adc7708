package io.audiospective.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import io.audiospective.model.ArchiveOutcome;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.Topics;
import io.audiospective.model.TrackRef;
import io.audiospective.model.UserEvent;
import io.audiospective.model.UserEventType;
import io.audiospective.model.codec.MessageCodec;
import io.quarkus.test.junit.QuarkusTest;

/** The users and archive.outcomes topics, DELETED purging, and the replay rebuild. */
@QuarkusTest
class UsersAndReplayTest {

    @Inject
    Tokens tokens;

    @Inject
    TestTopics topics;

    @Test
    void lifecycleEventsShapeTheArchiveStatusAndDeletionPurges() {
        String user = "user-" + UUID.randomUUID();
        String token = tokens.user(user);
        Instant registered = Instant.parse("2026-01-10T09:00:00Z");
        send(Topics.USERS, user, UserEvent.of(user, UserEventType.REGISTERED, 1, registered, "Ada", "Asia/Kolkata"));
        send(
                Topics.ARCHIVE_OUTCOMES,
                user,
                ArchiveOutcome.success(
                        "b1",
                        user,
                        registered.plusSeconds(3600),
                        registered.plusSeconds(3660),
                        3,
                        false,
                        false,
                        false));
        List<PlayEvent> plays = ApiBehaviourTest.plays(user, "d", 3);
        plays.forEach(p -> send(Topics.PLAYS, user, p));

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().auth()
                        .oauth2(token)
                        .when()
                        .get("/api/v1/me")
                        .then()
                        .statusCode(200)
                        .body("displayName", equalTo("Ada"))
                        .body("timeZone", equalTo("Asia/Kolkata"))
                        .body("archive.state", equalTo("ACTIVE"))
                        .body("archive.archivingSince", equalTo("2026-01-10T09:00:00Z"))
                        .body("archive.lastSuccessfulPoll", equalTo("2026-01-10T10:01:00Z"))
                        .body("archive.reconnectBy", equalTo("2026-07-10"))
                        .body("archive.playsArchived", equalTo(3)));

        send(
                Topics.USERS,
                user,
                UserEvent.of(user, UserEventType.NEEDS_REAUTH, 2, registered.plusSeconds(7200), null, null));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().auth()
                        .oauth2(token)
                        .when()
                        .get("/api/v1/me")
                        .then()
                        .statusCode(200)
                        .body("archive.state", equalTo("NEEDS_REAUTH"))
                        .body("archive.needsReauth", equalTo(true)));
        given().auth()
                .oauth2(tokens.admin("ops"))
                .when()
                .get("/api/v1/admin/overview")
                .then()
                .statusCode(200)
                .body("usersByState.NEEDS_REAUTH", org.hamcrest.Matchers.greaterThanOrEqualTo(1));

        send(
                Topics.USERS,
                user,
                UserEvent.of(user, UserEventType.DELETED, 3, registered.plusSeconds(9000), null, null));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().auth()
                        .oauth2(token)
                        .when()
                        .get("/api/v1/me")
                        .then()
                        .statusCode(200)
                        .body("archive.state", equalTo("DELETED"))
                        .body("archive.playsArchived", equalTo(0))
                        .body("timeZone", equalTo("UTC")));
        // A play of the deleted user arriving late is not archived again.
        send(
                Topics.PLAYS,
                user,
                PlayEvent.polled(
                        user,
                        Instant.parse("2026-02-01T00:00:00Z"),
                        plays.get(0).track()));
        String other = "user-" + UUID.randomUUID();
        send(
                Topics.PLAYS,
                other,
                PlayEvent.polled(
                        other,
                        Instant.parse("2026-02-01T00:00:00Z"),
                        plays.get(0).track()));
        StatsPropertyTest.awaitPlays(tokens.user(other), 1);
        given().auth()
                .oauth2(token)
                .when()
                .get("/api/v1/me/plays")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(0));
    }

    @Test
    void replayRebuildGivesTheSameAnswersAsTheIncrementalReadModel() {
        Random random = new Random();
        String user = "replay-" + UUID.randomUUID();
        String token = tokens.user(user);
        StatsPropertyTest.setZone(token, "Asia/Kolkata");
        List<TrackRef> catalogue = Histories.catalogue(random, user.substring(7, 15) + "-");
        List<PlayEvent> plays = Histories.history(random, user, catalogue, 15);
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        plays.forEach(p -> records.add(new ProducerRecord<>(Topics.PLAYS, user, MessageCodec.encode(p))));
        plays.forEach(p -> records.add(new ProducerRecord<>(Topics.PLAYS, user, MessageCodec.encode(p))));
        topics.sendAll(records);
        StatsPropertyTest.awaitPlays(token, plays.size());

        List<String> paths = List.of(
                "/api/v1/me/stats/top/tracks",
                "/api/v1/me/stats/top/artists",
                "/api/v1/me/stats/top/albums",
                "/api/v1/me/stats/summary",
                "/api/v1/me/stats/clock",
                "/api/v1/me/stats/timeline",
                "/api/v1/me/stats/streaks",
                "/api/v1/me/stats/year-in-review/2025");
        Map<String, String> before = answers(token, paths);

        String admin = tokens.admin("ops-" + UUID.randomUUID());
        int generation = given().auth()
                .oauth2(admin)
                .when()
                .post("/api/v1/admin/replays")
                .then()
                .statusCode(202)
                .body("state", equalTo("RUNNING"))
                .extract()
                .path("generation");
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> given().auth()
                        .oauth2(admin)
                        .when()
                        .get("/api/v1/admin/replays/" + generation)
                        .then()
                        .statusCode(200)
                        .body("state", equalTo("COMPLETED")));
        given().auth()
                .oauth2(admin)
                .when()
                .get("/api/v1/admin/overview")
                .then()
                .statusCode(200)
                .body("readModelGeneration", equalTo(generation));
        int replayed = given().auth()
                .oauth2(admin)
                .when()
                .get("/api/v1/admin/replays/" + generation)
                .then()
                .extract()
                .path("records");
        assertThat(replayed).isGreaterThanOrEqualTo(plays.size() * 2);

        assertThat(answers(token, paths)).isEqualTo(before);
        // The incremental consumer keeps feeding the new generation.
        PlayEvent later = PlayEvent.polled(user, Instant.parse("2029-01-01T00:00:00Z"), catalogue.get(0));
        send(Topics.PLAYS, user, later);
        StatsPropertyTest.awaitPlays(token, plays.size() + 1);
    }

    /**
     * Deletion is final for the history before it: a member who signs up again with the same Spotify account starts
     * empty, and a replay of {@code plays} from its start (which holds their old records) does not bring them back.
     */
    @Test
    void aMemberWhoSignsUpAgainAfterDeletingStartsEmptyAndAReplayKeepsItSo() {
        String user = "user-" + UUID.randomUUID();
        String token = tokens.user(user);
        send(Topics.USERS, user, UserEvent.of(user, UserEventType.REGISTERED, 1, Instant.now(), "Ada", null));
        List<PlayEvent> old = ApiBehaviourTest.plays(user, "old", 3);
        old.forEach(p -> send(Topics.PLAYS, user, p));
        StatsPropertyTest.awaitPlays(token, old.size());

        send(Topics.USERS, user, UserEvent.of(user, UserEventType.DELETED, 2, Instant.now(), null, null));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().auth()
                        .oauth2(token)
                        .when()
                        .get("/api/v1/me")
                        .then()
                        .statusCode(200)
                        .body("archive.state", equalTo("DELETED")));
        send(Topics.USERS, user, UserEvent.of(user, UserEventType.REGISTERED, 3, Instant.now(), "Ada", null));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().auth()
                        .oauth2(token)
                        .when()
                        .get("/api/v1/me")
                        .then()
                        .statusCode(200)
                        .body("archive.state", equalTo("ACTIVE")));
        PlayEvent fresh = PlayEvent.polled(
                user, Instant.parse("2026-03-01T12:00:00Z"), old.get(0).track());
        send(Topics.PLAYS, user, fresh);
        StatsPropertyTest.awaitPlays(token, 1);

        String admin = tokens.admin("ops-" + UUID.randomUUID());
        int generation = given().auth()
                .oauth2(admin)
                .when()
                .post("/api/v1/admin/replays")
                .then()
                .statusCode(202)
                .extract()
                .path("generation");
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> given().auth()
                        .oauth2(admin)
                        .when()
                        .get("/api/v1/admin/replays/" + generation)
                        .then()
                        .statusCode(200)
                        .body("state", equalTo("COMPLETED")));

        given().auth()
                .oauth2(token)
                .when()
                .get("/api/v1/me/plays")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(1))
                .body("items[0].playedAt", equalTo("2026-03-01T12:00:00Z"));
    }

    private static Map<String, String> answers(String token, List<String> paths) {
        Map<String, String> answers = new java.util.TreeMap<>();
        for (String path : paths) {
            answers.put(
                    path,
                    given().auth()
                            .oauth2(token)
                            .queryParam("period", "all")
                            .when()
                            .get(path)
                            .then()
                            .statusCode(200)
                            .extract()
                            .asString());
        }
        return answers;
    }

    private void send(String topic, String key, Object message) {
        topics.send(topic, key, message);
    }
}
