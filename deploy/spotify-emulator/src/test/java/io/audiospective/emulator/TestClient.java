package io.audiospective.emulator;

import static io.restassured.RestAssured.given;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.audiospective.emulator.service.TokenService;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** Drives the emulator the way a real client would, through HTTP only. */
public final class TestClient {

    public static final String CLIENT_ID = "audiospective-local";
    public static final String CLIENT_SECRET = "audiospective-local-secret";
    public static final String REDIRECT = "http://127.0.0.1:43210/callback";
    public static final String SCOPE = "user-read-recently-played user-read-private user-read-email";

    private static final SecureRandom RANDOM = new SecureRandom();

    private TestClient() {}

    public record Tokens(String accessToken, String refreshToken) {}

    public static String verifier() {
        byte[] b = new byte[48];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Creates users and returns their ids. */
    public static List<String> createUsers(String profile, long seed, int count, String prefix) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("count", count, "profile", profile, "seed", seed, "prefix", prefix))
                .when()
                .post("/emulator/users")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("id", String.class);
    }

    /** The redirect the authorize endpoint answers with (login_hint approval). */
    public static URI authorize(String userId, String verifier, String state) {
        String location = given().redirects()
                .follow(false)
                .queryParam("client_id", CLIENT_ID)
                .queryParam("response_type", "code")
                .queryParam("redirect_uri", REDIRECT)
                .queryParam("state", state)
                .queryParam("scope", SCOPE)
                .queryParam("code_challenge", TokenService.s256(verifier))
                .queryParam("code_challenge_method", "S256")
                .queryParam("login_hint", userId)
                .when()
                .get("/authorize")
                .then()
                .statusCode(302)
                .extract()
                .header("Location");
        return URI.create(location);
    }

    public static String query(URI uri, String name) {
        for (String pair : uri.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv[0].equals(name)) {
                return java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    public static Response exchange(String code, String verifier) {
        return given().contentType(ContentType.URLENC)
                .formParam("grant_type", "authorization_code")
                .formParam("code", code)
                .formParam("redirect_uri", REDIRECT)
                .formParam("client_id", CLIENT_ID)
                .formParam("code_verifier", verifier)
                .when()
                .post("/api/token");
    }

    public static Response refresh(String refreshToken) {
        return given().contentType(ContentType.URLENC)
                .formParam("grant_type", "refresh_token")
                .formParam("refresh_token", refreshToken)
                .formParam("client_id", CLIENT_ID)
                .when()
                .post("/api/token");
    }

    /** The full PKCE login of one user. */
    public static Tokens login(String userId) {
        String verifier = verifier();
        URI redirect = authorize(userId, verifier, "s");
        Response r = exchange(query(redirect, "code"), verifier);
        r.then().statusCode(200);
        return new Tokens(r.jsonPath().getString("access_token"), r.jsonPath().getString("refresh_token"));
    }

    public static String bearer(Tokens t) {
        return "Bearer " + t.accessToken();
    }

    public static void setSettings(Map<String, Object> settings) {
        given().contentType(ContentType.JSON)
                .body(settings)
                .when()
                .put("/emulator/settings")
                .then()
                .statusCode(200);
    }

    public static void setClock(long nowMs) {
        given().contentType(ContentType.JSON)
                .body(Map.of("now_ms", nowMs))
                .when()
                .put("/emulator/clock")
                .then()
                .statusCode(200);
    }

    public static void advanceClock(long ms) {
        given().queryParam("ms", ms)
                .when()
                .post("/emulator/clock/advance")
                .then()
                .statusCode(200);
    }

    /** Back to defaults: settings, rate-limit windows and clock. */
    public static void resetWorld() {
        given().when().post("/emulator/settings/reset").then().statusCode(200);
        given().when().post("/emulator/clock/reset").then().statusCode(200);
    }
}
