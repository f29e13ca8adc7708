package io.audiospective.emulator.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.audiospective.emulator.TestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * {@code emulator.listening.time-scale}: at 120x a poll every 30 s finds what an hourly poll finds in real time,
 * in recently-played and in the ground truth alike.
 */
@QuarkusTest
@TestProfile(CompressedTimeTest.HourIn30Seconds.class)
class CompressedTimeTest {

    public static class HourIn30Seconds implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("emulator.listening.time-scale", "120", "emulator.listening.late-share", "0");
        }
    }

    private static final long NOW = Instant.parse("2026-05-12T19:30:00Z").toEpochMilli();

    @AfterEach
    void reset() {
        TestClient.resetWorld();
    }

    @Test
    void recentlyPlayedShowsAnHourOfListeningEveryThirtySeconds() {
        TestClient.setClock(NOW);
        List<String> users = TestClient.createUsers("typical", 7601, 20, "compressed");
        long plays = 0;
        for (String user : users) {
            // one emulated day: 12 minutes of real time at 120x
            plays += given().queryParam("from", NOW - 24 * 30_000)
                    .queryParam("to", NOW)
                    .when()
                    .get("/emulator/users/" + user + "/plays")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath()
                    .getList("plays")
                    .size();
        }
        // typical listeners play a few tracks an hour: about a hundred a day each; in real time 12 minutes would
        // hold one or two
        assertThat(plays / users.size())
                .as("plays per member in 12 real minutes")
                .isGreaterThan(20);

        String heavy =
                TestClient.createUsers("heavy", 7602, 1, "compressed-heavy").get(0);
        TestClient.Tokens t = TestClient.login(heavy);
        List<String> playedAt = given().header("Authorization", TestClient.bearer(t))
                .queryParam("limit", 50)
                .when()
                .get("/v1/me/player/recently-played")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items.played_at", String.class);
        assertThat(playedAt).hasSize(50);
        long span = Instant.parse(playedAt.get(0)).toEpochMilli()
                - Instant.parse(playedAt.get(playedAt.size() - 1)).toEpochMilli();
        assertThat(span)
                .as("50 plays of a heavy listener within minutes of real time")
                .isLessThan(10 * 60_000);
    }
}
