package io.audiospective.emulator.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.audiospective.emulator.TestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** {@code GET /emulator/users/{id}/streaming-history}: Spotify's Extended Streaming History from the ground truth. */
@QuarkusTest
class StreamingHistoryTest {

    private static final long NOW = Instant.parse("2026-04-20T18:00:00Z").toEpochMilli();
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final List<String> FIELDS = List.of(
            "ts",
            "platform",
            "ms_played",
            "conn_country",
            "ip_addr",
            "master_metadata_track_name",
            "master_metadata_album_artist_name",
            "master_metadata_album_album_name",
            "spotify_track_uri",
            "episode_name",
            "episode_show_name",
            "spotify_episode_uri",
            "audiobook_title",
            "audiobook_uri",
            "audiobook_chapter_uri",
            "audiobook_chapter_title",
            "reason_start",
            "reason_end",
            "shuffle",
            "skipped",
            "offline",
            "offline_timestamp",
            "incognito_mode");
    private static final ObjectMapper STRICT =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final TypeReference<List<Map<String, Object>>> ENTRIES = new TypeReference<>() {};

    @AfterEach
    void reset() {
        TestClient.resetWorld();
    }

    private static Response exportResponse(String user, Map<String, ?> params) {
        return given().queryParams(params)
                .when()
                .get("/emulator/users/" + user + "/streaming-history")
                .then()
                .statusCode(200)
                .contentType(ContentType.JSON)
                .extract()
                .response();
    }

    private static List<Map<String, Object>> export(String user, Map<String, ?> params) {
        return parse(exportResponse(user, params).asByteArray());
    }

    /** Jackson rather than JsonPath: it is strict, and quick on the megabytes of a long range. */
    private static List<Map<String, Object>> parse(byte[] body) {
        try {
            return STRICT.readValue(body, ENTRIES);
        } catch (IOException e) {
            throw new AssertionError("not a valid JSON array of objects", e);
        }
    }

    /** Ground truth with skips: the plays of {@code GET /emulator/users/{id}/plays}. */
    private static List<Map<String, Object>> groundTruth(String user, long from, long to) {
        byte[] body = given().queryParam("from", from)
                .queryParam("to", to)
                .queryParam("include_skips", true)
                .when()
                .get("/emulator/users/" + user + "/plays")
                .then()
                .statusCode(200)
                .extract()
                .asByteArray();
        try {
            return STRICT.convertValue(STRICT.readTree(body).get("plays"), ENTRIES);
        } catch (IOException e) {
            throw new AssertionError("not valid JSON", e);
        }
    }

    private static String trackId(Map<String, Object> entry) {
        return ((String) entry.get("spotify_track_uri")).substring("spotify:track:".length());
    }

    private static String ts(Map<String, Object> play) {
        return Instant.ofEpochMilli(((Number) play.get("played_at_ms")).longValue())
                .truncatedTo(ChronoUnit.SECONDS)
                .toString();
    }

    /** The tracks answer of {@code GET /v1/tracks?ids=} for any number of ids, in order. */
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

    @Test
    void exportOfARangeIsTheGroundTruthOfThatRangeWithSkips() {
        TestClient.setClock(NOW);
        String user = TestClient.createUsers("heavy", 7401, 1, "sh-truth").get(0);
        long from = NOW - 3 * DAY + 12_345;
        long to = NOW - DAY - 6_789;
        List<Map<String, Object>> export = export(user, Map.of("from", from, "to", to));
        List<Map<String, Object>> truth = groundTruth(user, from, to);

        assertThat(truth).hasSizeGreaterThan(100);
        assertThat(export).hasSameSizeAs(truth);
        for (int i = 0; i < truth.size(); i++) {
            Map<String, Object> e = export.get(i);
            Map<String, Object> p = truth.get(i);
            assertThat(e.get("ts")).as("entry %d", i).isEqualTo(ts(p));
            assertThat(trackId(e)).isEqualTo(p.get("track_id"));
            assertThat(e.get("master_metadata_track_name")).isEqualTo(p.get("track_name"));
            assertThat(e.get("ms_played")).isEqualTo(p.get("ms_played"));
            boolean counted = (Boolean) p.get("counted");
            assertThat(e.get("skipped")).isEqualTo(!counted);
            if (counted) {
                assertThat((Integer) e.get("ms_played")).isGreaterThanOrEqualTo(30_000);
            } else {
                assertThat((Integer) e.get("ms_played")).isLessThan(30_000);
            }
        }
        assertThat(export).extracting(e -> e.get("skipped")).contains(true, false);
    }

    @Test
    void exportIsValidJsonInTheExtendedStreamingHistoryShape() {
        TestClient.setClock(NOW);
        String user = TestClient.createUsers("typical", 7402, 1, "sh-shape").get(0);
        String country =
                given().when().get("/emulator/users/" + user).then().extract().path("country");
        Response r = exportResponse(
                user,
                Map.of(
                        "from",
                        Instant.ofEpochMilli(NOW - 5 * DAY).toString(),
                        "to",
                        Instant.ofEpochMilli(NOW + DAY).toString()));
        assertThat(r.header("Content-Disposition"))
                .isEqualTo("attachment; filename=\"Streaming_History_Audio_2026_0.json\"");
        String body = r.asString();
        List<Map<String, Object>> export = parse(r.asByteArray());
        assertThat(export).hasSizeGreaterThan(50);
        // one entry per line between the brackets
        assertThat(body.split("\n")).hasSize(export.size() + 2);

        String previousTs = "";
        for (Map<String, Object> e : export) {
            assertThat(e.keySet()).containsExactlyElementsOf(FIELDS);
            String ts = (String) e.get("ts");
            assertThat(ts).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z").isGreaterThanOrEqualTo(previousTs);
            // the clock is at NOW: later plays have not happened yet
            assertThat(Instant.parse(ts).toEpochMilli()).isLessThanOrEqualTo(NOW);
            previousTs = ts;
            assertThat(e.get("platform")).isInstanceOf(String.class);
            assertThat(e.get("ms_played")).isInstanceOf(Integer.class);
            assertThat(e.get("conn_country")).isEqualTo(country);
            assertThat((String) e.get("ip_addr")).matches("\\d{1,3}(\\.\\d{1,3}){3}");
            assertThat((String) e.get("spotify_track_uri")).matches("spotify:track:[0-9A-Za-z]{22}");
            for (String field : FIELDS.subList(9, 16)) {
                assertThat(e.get(field)).as(field).isNull();
            }
            assertThat(e.get("reason_start")).isIn("clickrow", "playbtn", "trackdone", "fwdbtn");
            assertThat(e.get("reason_end")).isIn("trackdone", "fwdbtn");
            assertThat(e.get("shuffle")).isInstanceOf(Boolean.class);
            assertThat(e.get("skipped")).isInstanceOf(Boolean.class);
            assertThat(e.get("offline")).isEqualTo(false);
            assertThat(e.get("offline_timestamp")).isNull();
            assertThat(e.get("incognito_mode")).isEqualTo(false);
        }
        assertThat(export).extracting(e -> e.get("reason_start")).contains("clickrow", "trackdone");

        // names from the catalogue: the track's, its album's and the album's first artist's
        TestClient.Tokens t = TestClient.login(user);
        for (Map<String, Object> e : export.subList(0, 10)) {
            given().header("Authorization", TestClient.bearer(t))
                    .when()
                    .get("/v1/tracks/" + trackId(e))
                    .then()
                    .statusCode(200)
                    .body("name", equalTo(e.get("master_metadata_track_name")))
                    .body("album.name", equalTo(e.get("master_metadata_album_album_name")))
                    .body("album.artists[0].name", equalTo(e.get("master_metadata_album_artist_name")));
        }
    }

    @Test
    void exportSpansMoreThanTheGroundTruthLimitAndMatchesItWindowByWindow() {
        TestClient.setClock(NOW);
        String user = TestClient.createUsers("typical", 7403, 1, "sh-long").get(0);
        long from = NOW - 120 * DAY;
        List<Map<String, Object>> export = export(user, Map.of("from", from, "to", NOW));

        given().queryParam("from", from)
                .queryParam("to", NOW)
                .when()
                .get("/emulator/users/" + user + "/plays")
                .then()
                .statusCode(400);
        List<Map<String, Object>> truth = new ArrayList<>(groundTruth(user, from, from + 60 * DAY));
        truth.addAll(groundTruth(user, from + 60 * DAY, NOW));
        assertThat(export).hasSameSizeAs(truth);
        for (int i = 0; i < truth.size(); i++) {
            assertThat(export.get(i).get("ts")).isEqualTo(ts(truth.get(i)));
            assertThat(trackId(export.get(i))).isEqualTo(truth.get(i).get("track_id"));
        }
        Instant first = Instant.parse((String) export.get(0).get("ts"));
        Instant last = Instant.parse((String) export.get(export.size() - 1).get("ts"));
        assertThat(Duration.between(first, last)).isGreaterThan(Duration.ofDays(93));
    }

    @Test
    void unknownShareNamesTracksTheCatalogueDoesNotHave() {
        TestClient.setClock(NOW);
        String user = TestClient.createUsers("heavy", 7404, 1, "sh-unknown").get(0);
        TestClient.Tokens t = TestClient.login(user);
        Map<String, Object> range = Map.of("from", NOW - DAY, "to", NOW);
        List<Map<String, Object>> plain = export(user, range);
        Map<String, Object> withUnknown = new HashMap<>(range);
        withUnknown.put("unknown_share", 0.3);
        String body = exportResponse(user, withUnknown).asString();
        assertThat(exportResponse(user, withUnknown).asString())
                .as("deterministic")
                .isEqualTo(body);
        List<Map<String, Object>> mixed = parse(body.getBytes(StandardCharsets.UTF_8));

        assertThat(mixed).hasSameSizeAs(plain);
        Map<String, String> exportedIdOf = new HashMap<>();
        for (int i = 0; i < plain.size(); i++) {
            Map<String, Object> a = plain.get(i);
            Map<String, Object> b = mixed.get(i);
            for (String field : List.of(
                    "ts",
                    "ms_played",
                    "master_metadata_track_name",
                    "master_metadata_album_artist_name",
                    "master_metadata_album_album_name",
                    "skipped")) {
                assertThat(b.get(field)).isEqualTo(a.get(field));
            }
            String previous = exportedIdOf.put(trackId(a), trackId(b));
            assertThat(previous == null || previous.equals(trackId(b)))
                    .as("one id per track")
                    .isTrue();
        }
        Set<String> replaced = new LinkedHashSet<>();
        Set<String> kept = new LinkedHashSet<>();
        exportedIdOf.forEach((original, exported) -> (original.equals(exported) ? kept : replaced).add(exported));
        assertThat(exportedIdOf).hasSizeGreaterThan(100);
        assertThat((double) replaced.size() / exportedIdOf.size()).isBetween(0.2, 0.4);
        assertThat(replaced).allMatch(id -> id.matches("[0-9A-Za-z]{22}"));

        assertThat(tracks(t, List.copyOf(replaced))).allMatch(track -> track == null);
        assertThat(tracks(t, List.copyOf(kept)))
                .extracting(track -> track.get("id"))
                .containsExactlyElementsOf(kept);
        given().header("Authorization", TestClient.bearer(t))
                .when()
                .get("/v1/tracks/" + replaced.iterator().next())
                .then()
                .statusCode(404)
                .body("error.status", equalTo(404));
    }

    @Test
    void invalidParametersAreRejected() {
        String user = TestClient.createUsers("typical", 7405, 1, "sh-bad").get(0);
        for (Map<String, Object> bad : List.<Map<String, Object>>of(
                Map.of("unknown_share", 1.5),
                Map.of("unknown_share", "some"),
                Map.of("from", NOW, "to", NOW - 1),
                Map.of("from", 0, "to", NOW),
                Map.of("from", "yesterday"))) {
            given().queryParams(bad)
                    .when()
                    .get("/emulator/users/" + user + "/streaming-history")
                    .then()
                    .statusCode(400)
                    .body("error.status", equalTo(400));
        }
        given().when()
                .get("/emulator/users/nobody-here/streaming-history")
                .then()
                .statusCode(404);
    }
}
