package io.audiospective.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.audiospective.model.ArchiveOutcome;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.PlaySource;
import io.audiospective.model.Topics;
import io.audiospective.model.UserEvent;
import io.audiospective.model.UserEventType;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Archive completeness from the real topics: poll outcomes (one with a full page, one seen twice), an imported play
 * in the gap, the time since the last poll, and the member's deletion.
 */
@QuarkusTest
class CompletenessTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Inject
    Tokens tokens;

    @Inject
    TestTopics topics;

    @Test
    void everyHourIsMarkedFromThePollsAndTheImports() {
        String user = "complete-" + UUID.randomUUID();
        String token = tokens.user(user);
        Instant joined = Instant.now()
                .truncatedTo(ChronoUnit.HOURS)
                .minus(2, ChronoUnit.DAYS)
                .plusSeconds(600);
        topics.send(
                Topics.USERS, user, UserEvent.of(user, UserEventType.REGISTERED, 1, joined, "Ada", "Europe/Berlin"));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> given().auth()
                        .oauth2(token)
                        .when()
                        .get("/api/v1/me")
                        .then()
                        .body("timeZone", equalTo("Europe/Berlin")));
        topics.send(Topics.ARCHIVE_OUTCOMES, user, poll(user, joined.plus(1, ChronoUnit.HOURS), false));
        topics.send(Topics.ARCHIVE_OUTCOMES, user, poll(user, joined.plus(5, ChronoUnit.HOURS), true));
        topics.send(Topics.ARCHIVE_OUTCOMES, user, poll(user, joined.plus(9, ChronoUnit.HOURS), false));
        // delivered again after the later poll: changes nothing
        topics.send(Topics.ARCHIVE_OUTCOMES, user, poll(user, joined.plus(5, ChronoUnit.HOURS), true));
        PlayEvent polled = ApiBehaviourTest.plays(user, "c", 1).get(0);
        topics.send(
                Topics.PLAYS,
                user,
                new PlayEvent(
                        1,
                        user,
                        joined.plus(3, ChronoUnit.HOURS),
                        polled.track(),
                        polled.msPlayed(),
                        PlaySource.IMPORT,
                        "import-" + UUID.randomUUID()));

        await().atMost(Duration.ofSeconds(60))
                .until(() -> completeness(token).getLong("importedPlays") == 1
                        && joined.plus(9, ChronoUnit.HOURS)
                                .toString()
                                .equals(completeness(token).getString("lastSuccessfulPoll")));
        Instant asked = Instant.now();
        JsonPath answer = completeness(token);

        assertThat(answer.getString("archivingSince")).isEqualTo(joined.toString());
        assertThat(answer.getString("pending")).isEqualTo("UNVERIFIED");
        assertThat(answer.getList("days")).hasSize(365);
        Map<LocalDate, String> days = marks(answer);
        assertThat(mark(days, joined.minus(1, ChronoUnit.HOURS))).isEqualTo('-');
        assertThat(mark(days, joined)).isEqualTo('P');
        assertThat(mark(days, joined.plus(1, ChronoUnit.HOURS))).isEqualTo('G');
        assertThat(mark(days, joined.plus(2, ChronoUnit.HOURS))).isEqualTo('G');
        assertThat(mark(days, joined.plus(3, ChronoUnit.HOURS))).isEqualTo('I');
        assertThat(mark(days, joined.plus(5, ChronoUnit.HOURS))).isEqualTo('G');
        assertThat(mark(days, joined.plus(6, ChronoUnit.HOURS))).isEqualTo('P');
        assertThat(mark(days, joined.plus(8, ChronoUnit.HOURS))).isEqualTo('P');
        assertThat(mark(days, joined.plus(9, ChronoUnit.HOURS))).isEqualTo('U');
        assertThat(mark(days, asked)).isEqualTo('U');
        assertThat(answer.getInt("hours.GAP")).isEqualTo(4);
        assertThat(answer.getInt("hours.IMPORTED")).isEqualTo(1);
        assertThat(answer.getInt("hours.POLLED")).isEqualTo(4);

        topics.send(Topics.USERS, user, UserEvent.of(user, UserEventType.DELETED, 2, Instant.now(), null, null));
        await().atMost(Duration.ofSeconds(60)).until(() -> completeness(token).getInt("hours.POLLED") == 0);
        assertThat(completeness(token).getString("lastSuccessfulPoll")).isNull();
    }

    @Test
    void aFirstPollSeenBeforeTheRegistrationStillVerifiesTheTimeSinceJoining() {
        String user = "complete-" + UUID.randomUUID();
        String token = tokens.user(user);
        Instant joined = Instant.now()
                .truncatedTo(ChronoUnit.HOURS)
                .minus(1, ChronoUnit.DAYS)
                .plusSeconds(600);
        Instant firstPoll = joined.plus(3, ChronoUnit.HOURS);
        topics.send(Topics.ARCHIVE_OUTCOMES, user, poll(user, firstPoll, false));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> firstPoll.toString().equals(completeness(token).getString("lastSuccessfulPoll")));
        topics.send(
                Topics.USERS, user, UserEvent.of(user, UserEventType.REGISTERED, 1, joined, "Ada", "Europe/Berlin"));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> joined.toString().equals(completeness(token).getString("archivingSince"))
                        && "Europe/Berlin".equals(completeness(token).getString("window.timeZone")));

        Map<LocalDate, String> days = marks(completeness(token));
        assertThat(mark(days, joined.minus(1, ChronoUnit.HOURS))).isEqualTo('-');
        assertThat(mark(days, joined)).isEqualTo('P');
        assertThat(mark(days, joined.plus(2, ChronoUnit.HOURS))).isEqualTo('P');
        assertThat(mark(days, firstPoll)).isEqualTo('U');
    }

    @Test
    void aWindowTooLongOrBackwardsIsAProblem() {
        String token = tokens.user("complete-" + UUID.randomUUID());
        given().auth()
                .oauth2(token)
                .queryParam("from", "2020-01-01")
                .queryParam("to", "2026-01-01")
                .when()
                .get("/api/v1/me/archive/completeness")
                .then()
                .statusCode(400)
                .contentType(containsString("application/problem+json"))
                .body("detail", containsString("at most 1096"));
        given().auth()
                .oauth2(token)
                .queryParam("from", "2026-02-01")
                .queryParam("to", "2026-01-01")
                .when()
                .get("/api/v1/me/archive/completeness")
                .then()
                .statusCode(400)
                .body("detail", containsString("before"));
    }

    private static ArchiveOutcome poll(String user, Instant at, boolean gap) {
        return ArchiveOutcome.success("b-" + at.getEpochSecond(), user, at.minusSeconds(30), at, 1, gap, gap, false);
    }

    private static JsonPath completeness(String token) {
        return given().auth()
                .oauth2(token)
                .when()
                .get("/api/v1/me/archive/completeness")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static Map<LocalDate, String> marks(JsonPath answer) {
        List<Map<String, Object>> days = answer.getList("days");
        return days.stream()
                .collect(java.util.stream.Collectors.toMap(
                        day -> LocalDate.parse((String) day.get("day")), day -> (String) day.get("hours")));
    }

    /** The mark of the local hour {@code at} falls in. */
    private static char mark(Map<LocalDate, String> days, Instant at) {
        LocalDate day = at.atZone(BERLIN).toLocalDate();
        long hour = Duration.between(day.atStartOfDay(BERLIN).toInstant(), at).toHours();
        return days.get(day).charAt((int) hour);
    }
}
