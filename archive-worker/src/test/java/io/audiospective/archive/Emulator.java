package io.audiospective.archive;

import static io.restassured.RestAssured.given;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.eclipse.microprofile.config.ConfigProvider;

import io.audiospective.testing.SpotifyEmulatorTestResource;
import io.restassured.http.ContentType;

/** The emulator's control and ground-truth endpoints, as the tests use them. */
final class Emulator {

    private Emulator() {}

    static String url() {
        return ConfigProvider.getConfig().getValue(SpotifyEmulatorTestResource.URL_PROPERTY, String.class);
    }

    static List<String> createUsers(String prefix, String profile, int count) {
        given().contentType(ContentType.JSON)
                .body(Map.of("count", count, "profile", profile, "seed", 7, "prefix", prefix))
                .when()
                .post(url() + "/emulator/users")
                .then()
                .statusCode(200);
        return IntStream.rangeClosed(1, count).mapToObj(n -> prefix + "-7-" + n).toList();
    }

    static long nowMs() {
        return given().when()
                .get(url() + "/emulator/clock")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getLong("now_ms");
    }

    static void advance(String duration) {
        given().when()
                .post(url() + "/emulator/clock/advance?by=" + duration)
                .then()
                .statusCode(200);
    }

    static void settings(Map<String, Object> update) {
        given().contentType(ContentType.JSON)
                .body(update)
                .when()
                .put(url() + "/emulator/settings")
                .then()
                .statusCode(200);
    }

    static void resetSettings() {
        given().when().post(url() + "/emulator/settings/reset").then().statusCode(200);
    }

    static void revokeAndExpireTokens(String userId) {
        given().when()
                .post(url() + "/emulator/users/" + userId + "/revoke-refresh-tokens")
                .then()
                .statusCode(200);
        given().when()
                .post(url() + "/emulator/users/" + userId + "/expire-access-tokens")
                .then()
                .statusCode(200);
    }

    /** Requests the emulator served on recently-played so far, any status. */
    static long recentlyPlayedCalls() {
        Map<String, Map<String, Number>> counters = given().when()
                .get(url() + "/emulator/counters")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("$");
        return counters.getOrDefault("GET /v1/me/player/recently-played", Map.of()).values().stream()
                .mapToLong(Number::longValue)
                .sum();
    }

    /** Every counted play of the user in the last two weeks before {@code toMs}, with when it became visible. */
    static List<Play> groundTruth(String userId, long toMs) {
        List<Map<String, Object>> plays = given().when()
                .get(url() + "/emulator/users/" + userId + "/plays?from=" + (toMs - 14L * 24 * 3600 * 1000) + "&to="
                        + toMs)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("plays");
        return plays.stream()
                .map(p -> new Play(
                        ((Number) p.get("played_at_ms")).longValue(),
                        ((Number) p.get("visible_at_ms")).longValue(),
                        (String) p.get("track_id")))
                .toList();
    }

    /**
     * Whether {@code archived} is exactly what recently-played showed at some instant of [fromMs, toMs]: the
     * newest 50 plays visible then. Recently-played only changes when a play becomes visible, so those instants
     * are the only ones to try.
     */
    static boolean isRecentlyPlayedBetween(Set<Long> archived, List<Play> truth, long fromMs, long toMs) {
        TreeSet<Long> instants = new TreeSet<>(List.of(fromMs));
        truth.stream()
                .map(Play::visibleAtMs)
                .filter(v -> v > fromMs && v <= toMs)
                .forEach(instants::add);
        return instants.stream().anyMatch(t -> newestVisible(truth, t).equals(archived));
    }

    static Set<Long> newestVisible(List<Play> truth, long atMs) {
        return truth.stream()
                .filter(p -> p.visibleAtMs() <= atMs)
                .sorted(Comparator.comparingLong(Play::playedAtMs).reversed())
                .limit(50)
                .map(Play::playedAtMs)
                .collect(Collectors.toSet());
    }

    record Play(long playedAtMs, long visibleAtMs, String trackId) {}
}
