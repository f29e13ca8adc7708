package io.audiospective.emulator.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.audiospective.emulator.TestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/** Tracks Spotify no longer serves ({@code emulator.catalogue.removed-share}, {@code removed_share}). */
@QuarkusTest
@TestProfile(RemovedTracksTest.FifthRemoved.class)
class RemovedTracksTest {

    public static class FifthRemoved implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("emulator.catalogue.removed-share", "0.2");
        }
    }

    private static final long NOW = Instant.parse("2026-02-14T20:00:00Z").toEpochMilli();
    private static final long DAY = Duration.ofDays(1).toMillis();

    @AfterEach
    void reset() {
        TestClient.resetWorld();
    }

    /** The batch answer for any number of ids, in order: null for the ones Spotify does not serve. */
    private static List<Map<String, Object>> tracks(TestClient.Tokens t, List<String> ids) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += 50) {
            out.addAll(given().header("Authorization", TestClient.bearer(t))
                    .queryParam("ids", String.join(",", ids.subList(i, Math.min(ids.size(), i + 50))))
                    .when()
                    .get("/v1/tracks")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath()
                    .getList("tracks"));
        }
        return out;
    }

    private static List<Map<String, Object>> truth(String user) {
        return given().queryParam("from", NOW - DAY)
                .queryParam("to", NOW + 1)
                .when()
                .get("/emulator/users/" + user + "/plays")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("plays");
    }

    /** Distinct track ids of the plays the ground truth flags (or does not flag) as removed. */
    private static Set<String> trackIds(List<Map<String, Object>> plays, boolean removed) {
        Set<String> out = new LinkedHashSet<>();
        plays.stream().filter(p -> p.get("removed").equals(removed)).forEach(p -> out.add((String) p.get("track_id")));
        return out;
    }

    @Test
    void theConfiguredShareOfTheCatalogueAnswersLikeUnknownIds() {
        given().when().get("/emulator/settings").then().statusCode(200).body("removed_share", equalTo(0.2f));
        String user = TestClient.createUsers("idle", 7501, 1, "removed-cat").get(0);
        TestClient.Tokens t = TestClient.login(user);
        List<String> ids = given().queryParam("limit", 1000)
                .when()
                .get("/emulator/catalogue")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("track_ids", String.class);
        List<Map<String, Object>> answers = tracks(t, ids);
        List<String> removed = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            if (answers.get(i) == null) {
                removed.add(ids.get(i));
            } else {
                assertThat(answers.get(i).get("id")).isEqualTo(ids.get(i));
            }
        }
        assertThat((double) removed.size() / ids.size()).isBetween(0.15, 0.25);

        String unknown = given().header("Authorization", TestClient.bearer(t))
                .when()
                .get("/v1/tracks/0000000000000000000000")
                .then()
                .statusCode(404)
                .extract()
                .asString();
        for (String id : removed.subList(0, 5)) {
            String body = given().header("Authorization", TestClient.bearer(t))
                    .when()
                    .get("/v1/tracks/" + id)
                    .then()
                    .statusCode(404)
                    .body("error.status", equalTo(404))
                    .extract()
                    .asString();
            assertThat(body).isEqualTo(unknown);
        }
    }

    @Test
    void groundTruthFlagsRemovedPlaysAndRecentlyPlayedLeavesThemOut() {
        TestClient.setClock(NOW);
        String user = TestClient.createUsers("heavy", 7502, 1, "removed-truth").get(0);
        TestClient.Tokens t = TestClient.login(user);
        List<Map<String, Object>> plays = truth(user);

        // the flag says what the Web API does
        Set<String> removed = trackIds(plays, true);
        Set<String> served = trackIds(plays, false);
        assertThat(tracks(t, List.copyOf(removed))).isNotEmpty().allMatch(track -> track == null);
        assertThat(tracks(t, List.copyOf(served))).noneMatch(track -> track == null);
        assertThat((double) removed.size() / (removed.size() + served.size())).isBetween(0.1, 0.3);

        // recently-played shows the newest 50 visible plays of tracks still served
        JsonPath page = given().header("Authorization", TestClient.bearer(t))
                .queryParam("limit", 50)
                .when()
                .get("/v1/me/player/recently-played")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        List<Long> shown = page.getList("items.played_at", String.class).stream()
                .map(s -> Instant.parse(s).toEpochMilli())
                .toList();
        assertThat(shown).hasSize(50);
        assertThat(page.getList("items.track.id", String.class)).doesNotContainAnyElementsOf(removed);
        List<Long> inRecentlyPlayed = plays.stream()
                .filter(p -> (Boolean) p.get("in_recently_played"))
                .map(p -> ((Number) p.get("played_at_ms")).longValue())
                .sorted(java.util.Comparator.reverseOrder())
                .toList();
        assertThat(inRecentlyPlayed).isEqualTo(shown);
        // removed plays it would otherwise have shown: visible and newer than the oldest play on the page
        long oldestShown = shown.get(shown.size() - 1);
        assertThat(plays)
                .anyMatch(p -> (Boolean) p.get("removed")
                        && ((Number) p.get("played_at_ms")).longValue() > oldestShown
                        && ((Number) p.get("visible_at_ms")).longValue() <= NOW);
    }

    @Test
    void theShareChangesAtRunTimeAndALargerShareRemovesMoreOfTheSameTracks() {
        TestClient.setClock(NOW);
        String user =
                TestClient.createUsers("heavy", 7503, 1, "removed-runtime").get(0);
        TestClient.Tokens t = TestClient.login(user);
        Set<String> removedAtFifth = trackIds(truth(user), true);

        TestClient.setSettings(Map.of("removed_share", 0.5));
        Set<String> removedAtHalf = trackIds(truth(user), true);
        assertThat(removedAtHalf).containsAll(removedAtFifth).hasSizeGreaterThan(removedAtFifth.size());
        assertThat(tracks(t, List.copyOf(removedAtHalf))).allMatch(track -> track == null);

        TestClient.setSettings(Map.of("removed_share", 0.0));
        assertThat(trackIds(truth(user), true)).isEmpty();
        assertThat(tracks(t, List.copyOf(removedAtHalf))).noneMatch(track -> track == null);

        // the export still names removed tracks by their ids: the member played them before they went
        TestClient.resetWorld();
        TestClient.setClock(NOW);
        List<String> exported = given().queryParam("from", NOW - DAY)
                .queryParam("to", NOW + 1)
                .when()
                .get("/emulator/users/" + user + "/streaming-history")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("spotify_track_uri", String.class);
        assertThat(exported)
                .contains(
                        removedAtFifth.stream().map(id -> "spotify:track:" + id).toArray(String[]::new));

        given().contentType("application/json")
                .body(Map.of("removed_share", 1.5))
                .when()
                .put("/emulator/settings")
                .then()
                .statusCode(400);
        given().when().get("/emulator/settings").then().body("removed_share", equalTo(0.2f));
    }
}
