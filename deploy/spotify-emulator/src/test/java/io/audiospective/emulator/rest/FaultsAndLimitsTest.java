package io.audiospective.emulator.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.audiospective.emulator.TestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

@QuarkusTest
class FaultsAndLimitsTest {

    @AfterEach
    void reset() {
        TestClient.resetWorld();
    }

    @Test
    void missingUnknownAndExpiredTokensGet401WithSpotifysErrorObject() {
        given().when()
                .get("/v1/me")
                .then()
                .statusCode(401)
                .body("error.status", equalTo(401))
                .body("error.message", equalTo("No token provided"));
        given().header("Authorization", "Bearer BQnot-a-token")
                .when()
                .get("/v1/me/player/recently-played")
                .then()
                .statusCode(401)
                .body("error.message", equalTo("Invalid access token"));
        String user = TestClient.createUsers("typical", 8101, 1, "fault-401").get(0);
        TestClient.Tokens t = TestClient.login(user);
        TestClient.advanceClock(3_600_000L);
        given().header("Authorization", TestClient.bearer(t))
                .when()
                .get("/v1/tracks/" + anyTrack())
                .then()
                .statusCode(401)
                .body("error.message", equalTo("The access token expired"));
    }

    @Test
    void rateLimitPerClientOverARolling30sWindow() {
        String user = TestClient.createUsers("typical", 8102, 1, "fault-429").get(0);
        TestClient.Tokens t = TestClient.login(user);
        given().when().post("/emulator/settings/reset").then().statusCode(200); // empty windows
        TestClient.setSettings(Map.of("rate_limit_per_window", 5));
        for (int i = 0; i < 5; i++) {
            given().header("Authorization", TestClient.bearer(t))
                    .when()
                    .get("/v1/me")
                    .then()
                    .statusCode(200);
        }
        Response limited =
                given().header("Authorization", TestClient.bearer(t)).when().get("/v1/me");
        limited.then().statusCode(429).body("error.status", equalTo(429)).header("Retry-After", notNullValue());
        int retryAfter = Integer.parseInt(limited.header("Retry-After"));
        assertThat(retryAfter).isBetween(1, 30);
        // the window rolls: after Retry-After seconds there is room again
        TestClient.advanceClock(retryAfter * 1000L);
        given().header("Authorization", TestClient.bearer(t))
                .when()
                .get("/v1/me")
                .then()
                .statusCode(200);
        // settings apply at once: lifting the limit lets everything through
        TestClient.setSettings(Map.of("rate_limit_per_window", 0));
        for (int i = 0; i < 10; i++) {
            given().header("Authorization", TestClient.bearer(t))
                    .when()
                    .get("/v1/me")
                    .then()
                    .statusCode(200);
        }
    }

    @Test
    void injected429sCarryRetryAfterAndQuotaExceededSaysSo() {
        String user = TestClient.createUsers("typical", 8103, 1, "fault-inj").get(0);
        TestClient.Tokens t = TestClient.login(user);
        TestClient.setSettings(Map.of("too_many_requests_rate", 1.0, "retry_after_seconds", 7));
        given().header("Authorization", TestClient.bearer(t))
                .when()
                .get("/v1/me/player/recently-played")
                .then()
                .statusCode(429)
                .header("Retry-After", "7")
                .body("error.status", equalTo(429));
        TestClient.setSettings(Map.of("too_many_requests_rate", 0.0, "quota_exceeded", true));
        given().header("Authorization", TestClient.bearer(t))
                .when()
                .get("/v1/me/player/recently-played")
                .then()
                .statusCode(429)
                .body("error.message", equalTo("QUOTA_EXCEEDED"))
                .header("Retry-After", notNullValue());
        TestClient.setSettings(Map.of("quota_exceeded", false));
        given().header("Authorization", TestClient.bearer(t))
                .when()
                .get("/v1/me/player/recently-played")
                .then()
                .statusCode(200);
    }

    @Test
    void serverErrorsAndLatencyAreInjected() {
        String user = TestClient.createUsers("typical", 8104, 1, "fault-5xx").get(0);
        TestClient.Tokens t = TestClient.login(user);
        TestClient.setSettings(Map.of("server_error_rate", 1.0));
        for (int i = 0; i < 5; i++) {
            given().header("Authorization", TestClient.bearer(t))
                    .when()
                    .get("/v1/me")
                    .then()
                    .statusCode(anyOf(is(500), is(502), is(503)))
                    .body("error.status", notNullValue());
        }
        TestClient.setSettings(
                Map.of("server_error_rate", 0.0, "latency", Map.of("distribution", "fixed", "mean_ms", 300)));
        long start = System.nanoTime();
        given().header("Authorization", TestClient.bearer(t))
                .when()
                .get("/v1/me")
                .then()
                .statusCode(200);
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(290);
        TestClient.setSettings(Map.of("latency", Map.of("distribution", "none")));
        given().contentType("application/json")
                .body(Map.of("latency", Map.of("distribution", "gamma")))
                .when()
                .put("/emulator/settings")
                .then()
                .statusCode(400)
                .body("error.status", equalTo(400));
        given().contentType("application/json")
                .body(Map.of("server_error_rate", 2))
                .when()
                .put("/emulator/settings")
                .then()
                .statusCode(400);
    }

    @Test
    void accountsLatencyHoldsBackTheAnswerOfARefreshThatAlreadyRotatedTheToken() {
        String user = TestClient.createUsers("typical", 8107, 1, "fault-acc").get(0);
        TestClient.Tokens t = TestClient.login(user);
        TestClient.setSettings(Map.of("accounts_latency", Map.of("distribution", "fixed", "mean_ms", 600)));

        long start = System.nanoTime();
        Response refreshed = TestClient.refresh(t.refreshToken());
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(590);
        refreshed.then().statusCode(200);
        given().header("Authorization", "Bearer " + refreshed.jsonPath().getString("access_token"))
                .when()
                .get("/v1/me")
                .then()
                .statusCode(200);
        // the slow answer came after the rotation: the token it replaced is spent
        TestClient.refresh(t.refreshToken()).then().statusCode(400).body("error", equalTo("invalid_grant"));
        given().when()
                .get("/emulator/settings")
                .then()
                .statusCode(200)
                .body("accounts_latency.distribution", equalTo("fixed"));
    }

    @Test
    void batchEndpointsExistInExtendedModeOnly() {
        String user = TestClient.createUsers("typical", 8105, 1, "fault-batch").get(0);
        TestClient.Tokens t = TestClient.login(user);
        List<String> ids = given().queryParam("limit", 3)
                .when()
                .get("/emulator/catalogue")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("track_ids", String.class);
        given().header("Authorization", TestClient.bearer(t))
                .queryParam("ids", String.join(",", ids) + ",0000000000000000000000")
                .when()
                .get("/v1/tracks")
                .then()
                .statusCode(200)
                .body("tracks", hasSize(4))
                .body("tracks[0].id", equalTo(ids.get(0)))
                .body("tracks[3]", nullValue());
        TestClient.setSettings(Map.of("app_mode", "development"));
        given().header("Authorization", TestClient.bearer(t))
                .queryParam("ids", String.join(",", ids))
                .when()
                .get("/v1/tracks")
                .then()
                .statusCode(403)
                .body("error.status", equalTo(403));
        given().header("Authorization", TestClient.bearer(t))
                .when()
                .get("/v1/tracks/" + ids.get(0))
                .then()
                .statusCode(200)
                .body("id", equalTo(ids.get(0)));
        TestClient.setSettings(Map.of("batch_endpoints", true));
        given().header("Authorization", TestClient.bearer(t))
                .queryParam("ids", String.join(",", ids))
                .when()
                .get("/v1/tracks")
                .then()
                .statusCode(200);
    }

    @Test
    void countersCountRequestsByEndpointAndStatus() {
        String user = TestClient.createUsers("typical", 8106, 1, "fault-count").get(0);
        TestClient.Tokens t = TestClient.login(user);
        Map<String, Map<String, Integer>> before = given().when()
                .get("/emulator/counters")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("$");
        given().header("Authorization", TestClient.bearer(t))
                .when()
                .get("/v1/albums/0000000000000000000000")
                .then()
                .statusCode(404);
        given().header("Authorization", TestClient.bearer(t))
                .when()
                .get("/v1/albums/bad")
                .then()
                .statusCode(400);
        given().when().get("/v1/albums/bad").then().statusCode(401);
        Map<String, Map<String, Integer>> after = given().when()
                .get("/emulator/counters")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("$");
        Map<String, Integer> b = before.getOrDefault("GET /v1/albums/{id}", Map.of());
        Map<String, Integer> a = after.get("GET /v1/albums/{id}");
        assertThat(a.get("404") - b.getOrDefault("404", 0)).isEqualTo(1);
        assertThat(a.get("400") - b.getOrDefault("400", 0)).isEqualTo(1);
        assertThat(a.get("401") - b.getOrDefault("401", 0)).isEqualTo(1);
        assertThat(after.get("POST /api/token").get("200")).isPositive();
    }

    private static String anyTrack() {
        return given().when()
                .get("/emulator/catalogue")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("track_ids[0]");
    }
}
