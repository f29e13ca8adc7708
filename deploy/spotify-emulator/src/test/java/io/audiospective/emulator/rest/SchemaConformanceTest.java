package io.audiospective.emulator.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.audiospective.emulator.OpenApiSchemas;
import io.audiospective.emulator.TestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Every response the emulator gives on the Web API endpoints, checked against the schemas that Spotify's official
 * OpenAPI description declares for that operation and status.
 */
@QuarkusTest
class SchemaConformanceTest {

    private static final long NOW = Instant.parse("2026-06-02T21:15:00Z").toEpochMilli();

    @BeforeAll
    static void theOfficialDescriptionIsHere() {
        if (OpenApiSchemas.find().isEmpty()) {
            System.out.println("[SchemaConformanceTest] " + OpenApiSchemas.MISSING);
        }
        assumeTrue(OpenApiSchemas.find().isPresent(), OpenApiSchemas.MISSING);
    }

    private OpenApiSchemas schemas;

    @BeforeEach
    void loadSchemas() {
        schemas = OpenApiSchemas.get();
    }

    @AfterEach
    void reset() {
        TestClient.resetWorld();
    }

    private void assertConforms(String specPath, Response r) {
        Set<String> errors = schemas.errors(specPath, r.statusCode(), r.asString());
        assertThat(errors).as("GET %s -> %s", specPath, r.statusCode()).isEmpty();
        assertThat(r.contentType()).startsWith("application/json");
    }

    private Response get(TestClient.Tokens t, String path, Map<String, ?> query) {
        return given().header("Authorization", TestClient.bearer(t))
                .queryParams(query)
                .when()
                .get(path);
    }

    @Test
    void theValidatorRejectsWrongShapes() {
        // guards against a validator that accepts everything
        assertThat(schemas.errors("/tracks/{id}", 200, "{\"id\": 5, \"type\": \"album\"}"))
                .isNotEmpty();
        assertThat(schemas.errors("/me", 401, "{\"error\": {\"message\": \"x\"}}"))
                .isNotEmpty();
        assertThat(schemas.errors("/albums/{id}", 200, "{\"id\": \"x\"}")).isNotEmpty();
        assertThat(schemas.errors("/me/player/recently-played", 200, "{\"items\": [{\"played_at\": \"yesterday\"}]}"))
                .isNotEmpty();
    }

    @Test
    void successfulResponsesOfEveryEndpointConform() {
        TestClient.setClock(NOW);
        String heavy = TestClient.createUsers("heavy", 6301, 1, "schema-ok").get(0);
        TestClient.Tokens t = TestClient.login(heavy);

        assertConforms("/me", get(t, "/v1/me", Map.of()));

        Response page = get(t, "/v1/me/player/recently-played", Map.of("limit", 50));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.jsonPath().getList("items")).hasSize(50);
        assertConforms("/me/player/recently-played", page);
        String before = page.jsonPath().getString("cursors.before");
        assertConforms(
                "/me/player/recently-played",
                get(t, "/v1/me/player/recently-played", Map.of("before", Long.parseLong(before) + 1, "limit", 1)));
        assertConforms(
                "/me/player/recently-played",
                get(t, "/v1/me/player/recently-played", Map.of("after", before, "limit", 5)));

        // every track, album and artist that appears in the page, singly and in batches
        JsonPath p = page.jsonPath();
        List<String> tracks =
                p.getList("items.track.id", String.class).stream().distinct().toList();
        List<String> albums = p.getList("items.track.album.id", String.class).stream()
                .distinct()
                .toList();
        List<String> artists = new ArrayList<>(p.getList("items.track.artists.id.flatten()", String.class).stream()
                .distinct()
                .toList());
        for (String id : tracks) {
            assertConforms("/tracks/{id}", get(t, "/v1/tracks/" + id, Map.of()));
        }
        for (String id : albums) {
            assertConforms("/albums/{id}", get(t, "/v1/albums/" + id, Map.of()));
        }
        for (String id : artists) {
            assertConforms("/artists/{id}", get(t, "/v1/artists/" + id, Map.of()));
        }
        assertConforms("/tracks", get(t, "/v1/tracks", Map.of("ids", String.join(",", first(tracks, 50)))));
        assertConforms("/albums", get(t, "/v1/albums", Map.of("ids", String.join(",", first(albums, 20)))));
        assertConforms("/artists", get(t, "/v1/artists", Map.of("ids", String.join(",", first(artists, 50)))));

        // and a sample across the whole catalogue (singles, compilations, featured artists, all precisions)
        JsonPath cat = given().queryParam("offset", 100)
                .queryParam("limit", 40)
                .when()
                .get("/emulator/catalogue")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        for (String id : cat.getList("album_ids", String.class)) {
            assertConforms("/albums/{id}", get(t, "/v1/albums/" + id, Map.of()));
        }
        assertConforms("/tracks", get(t, "/v1/tracks", Map.of("ids", String.join(",", cat.getList("track_ids")))));
        assertConforms("/artists", get(t, "/v1/artists", Map.of("ids", String.join(",", cat.getList("artist_ids")))));
    }

    @Test
    void errorResponsesOfEveryEndpointConform() {
        String user = TestClient.createUsers("typical", 6302, 1, "schema-err").get(0);
        TestClient.Tokens t = TestClient.login(user);
        JsonPath cat =
                given().when().get("/emulator/catalogue").then().extract().jsonPath();
        String track = cat.getString("track_ids[0]");
        String album = cat.getString("album_ids[0]");
        Map<String, String> endpoints = Map.of(
                "/me",
                "/v1/me",
                "/me/player/recently-played",
                "/v1/me/player/recently-played",
                "/tracks/{id}",
                "/v1/tracks/" + track,
                "/albums/{id}",
                "/v1/albums/0000000000000000000000",
                "/artists/{id}",
                "/v1/artists/bad",
                "/tracks",
                "/v1/tracks?ids=" + track,
                "/albums",
                "/v1/albums?ids=" + album,
                "/artists",
                "/v1/artists?ids=x");
        TestClient.Tokens invalid = new TestClient.Tokens("BQinvalid", null);
        endpoints.forEach((spec, path) -> {
            // 401: missing, unknown token
            Response missing = given().when().get(path);
            assertThat(missing.statusCode()).isEqualTo(401);
            assertConforms(spec, missing);
            assertConforms(
                    spec,
                    given().header("Authorization", TestClient.bearer(invalid))
                            .when()
                            .get(path));
            // whatever the endpoint answers to this (maybe 200, 400 or 404)
            assertConforms(
                    spec,
                    given().header("Authorization", TestClient.bearer(t)).when().get(path));
        });

        TestClient.setSettings(Map.of("too_many_requests_rate", 1.0));
        endpoints.forEach((spec, path) -> {
            Response r =
                    given().header("Authorization", TestClient.bearer(t)).when().get(path);
            assertThat(r.statusCode()).isEqualTo(429);
            assertConforms(spec, r);
        });
        TestClient.setSettings(Map.of("too_many_requests_rate", 0.0, "quota_exceeded", true));
        endpoints.forEach((spec, path) -> assertConforms(
                spec,
                given().header("Authorization", TestClient.bearer(t)).when().get(path)));
        TestClient.setSettings(Map.of("quota_exceeded", false, "server_error_rate", 1.0));
        endpoints.forEach((spec, path) -> {
            Response r =
                    given().header("Authorization", TestClient.bearer(t)).when().get(path);
            assertThat(r.statusCode()).isGreaterThanOrEqualTo(500);
            assertConforms(spec, r);
        });
        TestClient.setSettings(Map.of("server_error_rate", 0.0, "app_mode", "development"));
        for (String spec : List.of("/tracks", "/albums", "/artists")) {
            Response r =
                    given().header("Authorization", TestClient.bearer(t)).when().get(endpoints.get(spec));
            assertThat(r.statusCode()).isEqualTo(403);
            assertConforms(spec, r);
        }
        TestClient.advanceClock(3_600_000L);
        Response expired = get(t, "/v1/me", Map.of());
        assertThat(expired.statusCode()).isEqualTo(401);
        assertConforms("/me", expired);
    }

    /**
     * Spotify answers an empty recently-played page with {@code "next": null, "cursors": null}, which the spec
     * does not declare nullable. The emulator keeps Spotify's real behaviour; these two are the only deviations.
     */
    @Test
    void emptyRecentlyPlayedPageDeviatesOnlyInTheNullsSpotifyReallySends() {
        String idle = TestClient.createUsers("idle", 6303, 1, "schema-empty").get(0);
        Response r = get(TestClient.login(idle), "/v1/me/player/recently-played", Map.of());
        assertThat(r.jsonPath().getList("items")).isEmpty();
        Set<String> errors = schemas.errors("/me/player/recently-played", 200, r.asString());
        assertThat(errors).hasSize(2).allMatch(e -> e.contains("next") || e.contains("cursors"));
        String normalised =
                r.asString().replace("\"next\":null", "\"next\":\"\"").replace("\"cursors\":null", "\"cursors\":{}");
        assertThat(schemas.errors("/me/player/recently-played", 200, normalised))
                .isEmpty();
    }

    private static List<String> first(List<String> l, int n) {
        return l.subList(0, Math.min(n, l.size()));
    }

    /**
     * Spotify answers unknown ids in a batch with {@code null} entries, which the spec does not declare nullable;
     * the emulator keeps that real behaviour, and those nulls are the only deviation.
     */
    @Test
    void batchWithUnknownIdsDeviatesOnlyInTheNullEntries() {
        String user = TestClient.createUsers("idle", 6304, 1, "schema-null").get(0);
        TestClient.Tokens t = TestClient.login(user);
        String track = given().when()
                .get("/emulator/catalogue")
                .then()
                .extract()
                .jsonPath()
                .getString("track_ids[0]");
        Response r = get(t, "/v1/tracks", Map.of("ids", track + ",0000000000000000000000"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(schemas.errors("/tracks", 200, r.asString()))
                .containsExactly("/tracks/1: null found, object expected");
    }
}
