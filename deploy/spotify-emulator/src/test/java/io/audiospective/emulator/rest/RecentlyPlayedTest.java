package io.audiospective.emulator.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.audiospective.emulator.TestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class RecentlyPlayedTest {

    private static final long NOW = Instant.parse("2026-05-12T19:30:00Z").toEpochMilli();

    @AfterEach
    void reset() {
        TestClient.resetWorld();
    }

    private static JsonPath page(TestClient.Tokens t, Map<String, Object> params) {
        return given().header("Authorization", TestClient.bearer(t))
                .queryParams(params)
                .when()
                .get("/v1/me/player/recently-played")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    /** played_at (ms) of the plays the ground truth says recently-played shows now, newest first. */
    private static List<Long> visibleTruth(String user, long from, long to) {
        JsonPath truth = given().queryParam("from", from)
                .queryParam("to", to)
                .when()
                .get("/emulator/users/" + user + "/plays")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        List<Long> out = new ArrayList<>();
        List<Map<String, Object>> plays = truth.getList("plays");
        for (Map<String, Object> p : plays) {
            if (Boolean.TRUE.equals(p.get("in_recently_played"))) {
                out.add(((Number) p.get("played_at_ms")).longValue());
            }
        }
        out.sort(java.util.Comparator.reverseOrder());
        return out;
    }

    private static List<Long> playedAt(JsonPath page) {
        return page.getList("items.played_at", String.class).stream()
                .map(s -> Instant.parse(s).toEpochMilli())
                .toList();
    }

    @Test
    void pagingBackwardsWithBeforeMatchesGroundTruth() {
        TestClient.setClock(NOW);
        String user = TestClient.createUsers("heavy", 7201, 1, "rp-before").get(0);
        TestClient.Tokens t = TestClient.login(user);
        List<Long> truth = visibleTruth(user, NOW - 7L * 86_400_000, NOW + 1);
        assertThat(truth).hasSize(50);

        List<Long> seen = new ArrayList<>();
        JsonPath p = page(t, Map.of("limit", 20));
        assertThat(p.getString("href")).endsWith("/v1/me/player/recently-played?limit=20");
        int pages = 0;
        while (!p.getList("items").isEmpty()) {
            List<Long> times = playedAt(p);
            assertThat(times).isSortedAccordingTo(java.util.Comparator.reverseOrder());
            assertThat(p.getString("cursors.before")).isEqualTo(String.valueOf(times.get(times.size() - 1)));
            assertThat(p.getString("cursors.after")).isEqualTo(String.valueOf(times.get(0)));
            seen.addAll(times);
            String next = p.getString("next");
            assertThat(next).contains("before=" + times.get(times.size() - 1)).contains("limit=20");
            p = page(t, Map.of("before", p.getString("cursors.before"), "limit", 20));
            pages++;
        }
        assertThat(pages).isEqualTo(3);
        assertThat(seen).isEqualTo(truth);
        // the last page is empty and shaped as Spotify shapes it
        assertThat(p.getString("next")).isNull();
        assertThat(p.getMap("cursors")).isNull();
        assertThat(p.getInt("limit")).isEqualTo(20);

        // plays older than the newest 50 are in the ground truth but no longer in recently-played
        JsonPath all = given().queryParam("from", NOW - 86_400_000L)
                .queryParam("to", NOW)
                .when()
                .get("/emulator/users/" + user + "/plays")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(all.getInt("total")).isGreaterThan(50);
        assertThat(all.getList("plays.in_recently_played", Boolean.class)).contains(false);
    }

    @Test
    void pagingForwardsWithAfterMatchesGroundTruth() {
        TestClient.setClock(NOW);
        String user = TestClient.createUsers("heavy", 7202, 1, "rp-after").get(0);
        TestClient.Tokens t = TestClient.login(user);
        List<Long> truth = visibleTruth(user, NOW - 7L * 86_400_000, NOW + 1);
        long cursor = truth.get(35);
        List<Long> expected = truth.subList(0, 35);

        List<Long> seen = new ArrayList<>();
        JsonPath p = page(t, Map.of("after", cursor, "limit", 10));
        while (!p.getList("items").isEmpty()) {
            List<Long> times = playedAt(p);
            assertThat(times)
                    .isSortedAccordingTo(java.util.Comparator.reverseOrder())
                    .allMatch(x -> x > cursor);
            seen.addAll(0, times);
            assertThat(p.getString("next")).contains("after=" + times.get(0));
            p = page(t, Map.of("after", p.getString("cursors.after"), "limit", 10));
        }
        seen.sort(java.util.Comparator.reverseOrder());
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void newPlaysAppearAfterTheLagAndSomeArriveLateAndOutOfOrder() {
        TestClient.setSettings(Map.of("late_share", 0.3, "late_max_delay_ms", 3_600_000, "visibility_lag_ms", 60_000));
        TestClient.setClock(NOW);
        String user = TestClient.createUsers("heavy", 7203, 1, "rp-late").get(0);
        TestClient.Tokens t = TestClient.login(user);
        List<Long> first = playedAt(page(t, Map.of("limit", 50)));
        long newestSeen = first.get(0);
        java.util.Set<Long> seen = new java.util.HashSet<>(first);
        // let 90 minutes pass in steps, like a poller using `after`; late plays become visible behind the cursor
        long cursor = newestSeen;
        int behindCursor = 0;
        for (int step = 0; step < 9; step++) {
            TestClient.advanceClock(10 * 60_000L);
            if (step % 5 == 4) { // access tokens live an hour: refresh like a client does
                var r = TestClient.refresh(t.refreshToken());
                t = new TestClient.Tokens(
                        r.jsonPath().getString("access_token"), r.jsonPath().getString("refresh_token"));
            }
            for (long x : playedAt(page(t, Map.of("limit", 50)))) {
                if (seen.add(x) && x < cursor) {
                    behindCursor++; // new to us, yet older than what we had already seen
                }
            }
            long since = cursor;
            List<Long> newer = playedAt(page(t, Map.of("after", since, "limit", 50)));
            assertThat(newer).allMatch(x -> x > since);
            seen.addAll(newer);
            if (!newer.isEmpty()) {
                cursor = newer.get(0);
            }
        }
        assertThat(cursor).isGreaterThan(newestSeen);
        assertThat(behindCursor)
                .as("plays that became visible behind an already-seen cursor")
                .isPositive();
    }

    @Test
    void idleUserGetsTheEmptyPageShape() {
        String user = TestClient.createUsers("idle", 7204, 1, "rp-idle").get(0);
        TestClient.Tokens t = TestClient.login(user);
        given().header("Authorization", TestClient.bearer(t))
                .when()
                .get("/v1/me/player/recently-played")
                .then()
                .statusCode(200)
                .body("items", hasSize(0))
                .body("next", nullValue())
                .body("cursors", nullValue())
                .body("limit", equalTo(20))
                .body("href", endsWith("/v1/me/player/recently-played?limit=20"));
    }

    @Test
    void invalidParametersAreRejected() {
        String user = TestClient.createUsers("typical", 7205, 1, "rp-bad").get(0);
        TestClient.Tokens t = TestClient.login(user);
        for (Map<String, Object> bad : List.<Map<String, Object>>of(
                Map.of("limit", 51),
                Map.of("limit", 0),
                Map.of("limit", "x"),
                Map.of("after", 1, "before", 2),
                Map.of("before", "yesterday"))) {
            given().header("Authorization", TestClient.bearer(t))
                    .queryParams(bad)
                    .when()
                    .get("/v1/me/player/recently-played")
                    .then()
                    .statusCode(400)
                    .body("error.status", equalTo(400));
        }
    }

    @Test
    void groundTruthIsStableAndIncludesSkipsOnRequest() {
        String user = TestClient.createUsers("typical", 7206, 1, "rp-truth").get(0);
        long from = NOW - 7L * 86_400_000;
        String a = given().queryParam("from", from)
                .queryParam("to", NOW)
                .when()
                .get("/emulator/users/" + user + "/plays")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("plays.played_at_ms")
                .toString();
        String b = given().queryParam("from", Instant.ofEpochMilli(from).toString())
                .queryParam("to", Instant.ofEpochMilli(NOW).toString())
                .when()
                .get("/emulator/users/" + user + "/plays")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("plays.played_at_ms")
                .toString();
        assertThat(a).isEqualTo(b).isNotEqualTo("[]");
        JsonPath withSkips = given().queryParam("from", from)
                .queryParam("to", NOW)
                .queryParam("include_skips", true)
                .when()
                .get("/emulator/users/" + user + "/plays")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(withSkips.getList("plays.counted", Boolean.class)).contains(true, false);
        given().queryParam("from", 0)
                .queryParam("to", NOW)
                .when()
                .get("/emulator/users/" + user + "/plays")
                .then()
                .statusCode(400);
        given().when().get("/emulator/users/nobody-here/plays").then().statusCode(404);
    }
}
