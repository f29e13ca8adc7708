package io.audiospective.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.audiospective.api.service.ReadModelService;
import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.TrackRef;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Authentication, isolation between users, errors, caching, history paging and export. */
@QuarkusTest
class ApiBehaviourTest {

    @Inject
    Tokens tokens;

    @Inject
    ReadModelService readModel;

    @Test
    void requestsWithoutAValidTokenAreRejected() {
        given().when().get("/api/v1/me").then().statusCode(401);
        given().auth()
                .oauth2(tokens.foreign("someone"))
                .when()
                .get("/api/v1/me")
                .then()
                .statusCode(401);
        given().auth()
                .oauth2("not-a-jwt")
                .when()
                .get("/api/v1/me/stats/summary")
                .then()
                .statusCode(401);
    }

    @Test
    void userACannotReadUserBsAnything() {
        String a = fresh();
        String b = fresh();
        List<PlayEvent> aPlays = plays(a, "a", 4);
        List<PlayEvent> bPlays = plays(b, "b", 2);
        readModel.applyLive(aPlays);
        readModel.applyLive(bPlays);

        JsonPath aHistory = given().auth()
                .oauth2(tokens.user(a))
                .when()
                .get("/api/v1/me/plays")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(aHistory.getList("items.trackId", String.class)).hasSize(4).allMatch(id -> id.startsWith("a"));
        given().auth()
                .oauth2(tokens.user(b))
                .when()
                .get("/api/v1/me/stats/summary")
                .then()
                .statusCode(200)
                .body("plays", equalTo(2));
        given().auth()
                .oauth2(tokens.user(b))
                .when()
                .get("/api/v1/me/stats/tracks/" + aPlays.get(0).track().id())
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        String bExport = given().auth()
                .oauth2(tokens.user(b))
                .queryParam("format", "csv")
                .when()
                .get("/api/v1/me/export")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(bExport)
                .doesNotContain(aPlays.get(0).track().id())
                .contains(bPlays.get(0).track().id());
        given().auth()
                .oauth2(tokens.user(b))
                .when()
                .get("/api/v1/me")
                .then()
                .statusCode(200)
                .body("userId", equalTo(b))
                .body("archive.playsArchived", equalTo(2));
        // There is no way to name another user outside the admin routes.
        given().auth()
                .oauth2(tokens.user(b))
                .when()
                .get("/api/v1/admin/users/" + a)
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
    }

    @Test
    void adminRoutesNeedTheAdminRole() {
        String user = fresh();
        readModel.applyLive(plays(user, "x", 1));
        for (String path : List.of("/api/v1/admin/overview", "/api/v1/admin/users/" + user, "/api/v1/admin/replays")) {
            given().auth().oauth2(tokens.user(user)).when().get(path).then().statusCode(403);
        }
        given().auth()
                .oauth2(tokens.user(user))
                .when()
                .post("/api/v1/admin/replays")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(tokens.admin(fresh()))
                .when()
                .get("/api/v1/admin/overview")
                .then()
                .statusCode(200)
                .body("dlqSizes", org.hamcrest.Matchers.hasKey("plays.dlq"))
                .body("consumerLag", org.hamcrest.Matchers.hasKey("plays"));
        given().auth()
                .oauth2(tokens.admin(fresh()))
                .when()
                .get("/api/v1/admin/users/" + user)
                .then()
                .statusCode(200)
                .body("me.userId", equalTo(user))
                .body("me.archive.playsArchived", equalTo(1));
        given().auth()
                .oauth2(tokens.admin(fresh()))
                .when()
                .get("/api/v1/admin/users/" + fresh())
                .then()
                .statusCode(404);
    }

    @Test
    void invalidInputIsAProblemDocument() {
        String token = tokens.user(fresh());
        given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body(Map.of("timeZone", "Mars/Olympus"))
                .when()
                .put("/api/v1/me/time-zone")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("detail", containsString("Mars/Olympus"));
        given().auth()
                .oauth2(token)
                .queryParam("period", "fortnight")
                .when()
                .get("/api/v1/me/stats/summary")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("fortnight"));
        given().auth()
                .oauth2(token)
                .queryParams(Map.of("period", "custom", "from", "2025-02-01", "to", "2025-01-01"))
                .when()
                .get("/api/v1/me/stats/clock")
                .then()
                .statusCode(400)
                .body("detail", containsString("before"));
        given().auth()
                .oauth2(token)
                .when()
                .get("/api/v1/me/stats/top/moods")
                .then()
                .statusCode(400);
        given().auth()
                .oauth2(token)
                .queryParam("cursor", "%%%")
                .when()
                .get("/api/v1/me/plays")
                .then()
                .statusCode(400);
        given().auth()
                .oauth2(token)
                .queryParam("format", "xml")
                .when()
                .get("/api/v1/me/export")
                .then()
                .statusCode(400);
        given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body(Map.of("timeZone", "Asia/Kolkata"))
                .when()
                .put("/api/v1/me/time-zone")
                .then()
                .statusCode(200)
                .body("timeZone", equalTo("Asia/Kolkata"));
    }

    @Test
    void statsAreCacheableAndRevalidatedByETag() {
        String user = fresh();
        String token = tokens.user(user);
        readModel.applyLive(plays(user, "c", 1));
        var first = given().auth()
                .oauth2(token)
                .when()
                .get("/api/v1/me/stats/top/tracks")
                .then()
                .statusCode(200)
                .header("Cache-Control", containsString("private"))
                .extract();
        String etag = first.header("ETag");
        assertThat(etag).startsWith("W/");
        given().auth()
                .oauth2(token)
                .header("If-None-Match", etag)
                .when()
                .get("/api/v1/me/stats/top/tracks")
                .then()
                .statusCode(304);
        readModel.applyLive(List.of(PlayEvent.polled(user, Instant.parse("2025-06-01T12:00:00Z"), track("c-new"))));
        given().auth()
                .oauth2(token)
                .header("If-None-Match", etag)
                .when()
                .get("/api/v1/me/stats/top/tracks")
                .then()
                .statusCode(200)
                .header("ETag", org.hamcrest.Matchers.not(equalTo(etag)));
    }

    @Test
    void historyIsPagedNewestFirstByCursorWithFilters() {
        String user = fresh();
        String token = tokens.user(user);
        List<PlayEvent> plays = plays(user, "h", 7);
        readModel.applyLive(plays);
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = given().auth().oauth2(token).queryParam("limit", 3);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.when()
                    .get("/api/v1/me/plays")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            seen.addAll(page.getList("items.playedAt", String.class));
            cursor = page.getString("nextCursor");
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen)
                .containsExactlyElementsOf(plays.stream()
                        .map(p -> p.playedAt().toString())
                        .sorted(java.util.Comparator.reverseOrder())
                        .toList());
        String track = plays.get(2).track().id();
        given().auth()
                .oauth2(token)
                .queryParam("track", track)
                .when()
                .get("/api/v1/me/plays")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(1))
                .body("items[0].trackId", equalTo(track));
        String artist = plays.get(3).track().artists().get(0).id();
        given().auth()
                .oauth2(token)
                .queryParam("artist", artist)
                .when()
                .get("/api/v1/me/plays")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(1));
        given().auth()
                .oauth2(token)
                .queryParams(Map.of("period", "day", "date", "2025-05-01"))
                .when()
                .get("/api/v1/me/plays")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(7));
        given().auth()
                .oauth2(token)
                .queryParams(Map.of("period", "day", "date", "2025-05-02"))
                .when()
                .get("/api/v1/me/plays")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(0));
    }

    @Test
    void exportStreamsTheWholeHistoryAsJsonAndCsv() {
        String user = fresh();
        String token = tokens.user(user);
        List<PlayEvent> plays = plays(user, "e", 5);
        readModel.applyLive(plays);
        JsonPath json = given().auth()
                .oauth2(token)
                .queryParam("format", "json")
                .when()
                .get("/api/v1/me/export")
                .then()
                .statusCode(200)
                .header("Content-Disposition", containsString("attachment"))
                .extract()
                .jsonPath();
        assertThat(json.getList("trackId", String.class))
                .containsExactlyElementsOf(
                        plays.stream().map(p -> p.track().id()).toList());
        String csv = given().auth()
                .oauth2(token)
                .queryParam("format", "csv")
                .when()
                .get("/api/v1/me/export")
                .then()
                .statusCode(200)
                .contentType(startsWith("text/csv"))
                .extract()
                .asString();
        String[] lines = csv.split("\n");
        assertThat(lines).hasSize(6);
        assertThat(lines[0]).startsWith("played_at,track_id");
        assertThat(lines[1]).contains("\"Track e0, live\"");
    }

    static List<PlayEvent> plays(String user, String prefix, int count) {
        List<PlayEvent> plays = new ArrayList<>();
        Instant at = Instant.parse("2025-05-01T08:00:00Z");
        for (int i = 0; i < count; i++) {
            plays.add(
                    PlayEvent.polled(user, at.plusSeconds(600L * i), track(prefix + i + "-" + user.substring(5, 13))));
        }
        return plays;
    }

    static TrackRef track(String id) {
        return new TrackRef(
                id,
                "Track " + id.split("-")[0] + ", live",
                180_000,
                null,
                new AlbumRef("al-" + id, "Album " + id, "2020", null),
                List.of(new ArtistRef("ar-" + id, "Artist " + id)));
    }

    static String fresh() {
        return "user-" + UUID.randomUUID();
    }
}
