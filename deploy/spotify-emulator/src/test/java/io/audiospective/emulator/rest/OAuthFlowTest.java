package io.audiospective.emulator.rest;

import static io.audiospective.emulator.TestClient.CLIENT_ID;
import static io.audiospective.emulator.TestClient.CLIENT_SECRET;
import static io.audiospective.emulator.TestClient.REDIRECT;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.audiospective.emulator.TestClient;
import io.audiospective.emulator.service.TokenService;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

@QuarkusTest
class OAuthFlowTest {

    @AfterEach
    void reset() {
        TestClient.resetWorld();
    }

    @Test
    void loginPageListsSyntheticUsersAndLinksApproveThem() {
        String user = TestClient.createUsers("typical", 9101, 1, "oauth-page").get(0);
        String page = given().queryParam("client_id", CLIENT_ID)
                .queryParam("response_type", "code")
                .queryParam("redirect_uri", REDIRECT)
                .queryParam("state", "st")
                .when()
                .get("/authorize")
                .then()
                .statusCode(200)
                .contentType(containsString("text/html"))
                .body(containsString(user))
                .extract()
                .asString();
        assertThat(page).contains("login_hint=" + user);
    }

    @Test
    void pkceCodeFlowEndToEndWithRotationReuseAndExpiry() {
        String user = TestClient.createUsers("heavy", 9102, 1, "oauth-pkce").get(0);
        String verifier = TestClient.verifier();
        URI redirect = TestClient.authorize(user, verifier, "state-42");
        assertThat(redirect.toString()).startsWith(REDIRECT + "?");
        assertThat(TestClient.query(redirect, "state")).isEqualTo("state-42");
        String code = TestClient.query(redirect, "code");

        // a wrong verifier fails, and the code is then spent
        Response wrong = TestClient.exchange(code, TestClient.verifier());
        wrong.then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"))
                .body("error_description", equalTo("code_verifier was incorrect"));
        TestClient.exchange(code, verifier)
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"))
                .body("error_description", equalTo("Invalid authorization code"));

        redirect = TestClient.authorize(user, verifier, "state-43");
        Response token = TestClient.exchange(TestClient.query(redirect, "code"), verifier);
        token.then()
                .statusCode(200)
                .body("token_type", equalTo("Bearer"))
                .body("expires_in", equalTo(3600))
                .body("scope", equalTo(TestClient.SCOPE))
                .body("refresh_token", notNullValue());
        String access = token.jsonPath().getString("access_token");
        String refresh1 = token.jsonPath().getString("refresh_token");
        given().header("Authorization", "Bearer " + access)
                .when()
                .get("/v1/me")
                .then()
                .statusCode(200)
                .body("id", equalTo(user));

        // refresh rotates the refresh token
        Response r2 = TestClient.refresh(refresh1);
        r2.then().statusCode(200).body("refresh_token", not(equalTo(refresh1))).body("expires_in", equalTo(3600));
        String refresh2 = r2.jsonPath().getString("refresh_token");
        String access2 = r2.jsonPath().getString("access_token");
        assertThat(access2).isNotEqualTo(access);

        // reusing the rotated one is refused, the new one works once
        TestClient.refresh(refresh1)
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"))
                .body("error_description", equalTo("Refresh token revoked"));
        Response r3 = TestClient.refresh(refresh2);
        r3.then().statusCode(200);
        String refresh3 = r3.jsonPath().getString("refresh_token");

        // access tokens live 3600 s
        TestClient.advanceClock(Duration.ofSeconds(3599).toMillis());
        given().header("Authorization", "Bearer " + access2)
                .when()
                .get("/v1/me")
                .then()
                .statusCode(200);
        TestClient.advanceClock(Duration.ofSeconds(1).toMillis());
        given().header("Authorization", "Bearer " + access2)
                .when()
                .get("/v1/me")
                .then()
                .statusCode(401)
                .body("error.status", equalTo(401))
                .body("error.message", equalTo("The access token expired"));

        // refresh tokens die 6 months after the user authorised, rotation does not extend that
        TestClient.advanceClock(Duration.ofDays(181).toMillis());
        Response r4 = TestClient.refresh(refresh3);
        r4.then().statusCode(200);
        TestClient.advanceClock(Duration.ofDays(1).toMillis());
        TestClient.refresh(r4.jsonPath().getString("refresh_token"))
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));
    }

    @Test
    void confidentialClientWithBasicAuthKeepsItsRefreshToken() {
        String user = TestClient.createUsers("typical", 9103, 1, "oauth-basic").get(0);
        String location = given().redirects()
                .follow(false)
                .queryParam("client_id", CLIENT_ID)
                .queryParam("response_type", "code")
                .queryParam("redirect_uri", REDIRECT)
                .queryParam("login_hint", user)
                .when()
                .get("/authorize")
                .then()
                .statusCode(302)
                .extract()
                .header("Location");
        String code = TestClient.query(URI.create(location), "code");
        assertThat(TestClient.query(URI.create(location), "state")).isNull();
        Response token = given().auth()
                .preemptive()
                .basic(CLIENT_ID, CLIENT_SECRET)
                .contentType(ContentType.URLENC)
                .formParam("grant_type", "authorization_code")
                .formParam("code", code)
                .formParam("redirect_uri", REDIRECT)
                .when()
                .post("/api/token");
        token.then().statusCode(200);
        String refresh = token.jsonPath().getString("refresh_token");
        for (int i = 0; i < 2; i++) {
            given().auth()
                    .preemptive()
                    .basic(CLIENT_ID, CLIENT_SECRET)
                    .contentType(ContentType.URLENC)
                    .formParam("grant_type", "refresh_token")
                    .formParam("refresh_token", refresh)
                    .when()
                    .post("/api/token")
                    .then()
                    .statusCode(200)
                    .body("access_token", notNullValue())
                    .body("refresh_token", nullValue());
        }
        given().auth()
                .preemptive()
                .basic(CLIENT_ID, "wrong")
                .contentType(ContentType.URLENC)
                .formParam("grant_type", "refresh_token")
                .formParam("refresh_token", refresh)
                .when()
                .post("/api/token")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_client"))
                .body("error_description", equalTo("Invalid client secret"));
    }

    @Test
    void clientCredentialsGiveAnAppTokenForTheCatalogueAndNoUserData() {
        Response token = given().auth()
                .preemptive()
                .basic(CLIENT_ID, CLIENT_SECRET)
                .contentType(ContentType.URLENC)
                .formParam("grant_type", "client_credentials")
                .when()
                .post("/api/token");
        token.then()
                .statusCode(200)
                .body("token_type", equalTo("Bearer"))
                .body("expires_in", equalTo(3600))
                .body("refresh_token", nullValue());
        String app = "Bearer " + token.jsonPath().getString("access_token");
        String artist = given().when()
                .get("/emulator/catalogue?limit=1")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("artist_ids[0]");

        given().header("Authorization", app)
                .when()
                .get("/v1/artists/" + artist)
                .then()
                .statusCode(200)
                .body("id", equalTo(artist));
        given().header("Authorization", app)
                .when()
                .get("/v1/me")
                .then()
                .statusCode(401)
                .body("error.message", equalTo("Valid user authentication required"));
        given().header("Authorization", app)
                .when()
                .get("/v1/me/player/recently-played")
                .then()
                .statusCode(401);
        // a public client has no secret, so it gets no app token
        given().contentType(ContentType.URLENC)
                .formParam("grant_type", "client_credentials")
                .formParam("client_id", CLIENT_ID)
                .when()
                .post("/api/token")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_client"));
    }

    @Test
    void wrongClientOrRedirectGetsAnErrorPageAndNoRedirect() {
        String user = TestClient.createUsers("idle", 9104, 1, "oauth-bad").get(0);
        for (String[] bad : new String[][] {
            {"someone-else", REDIRECT},
            {CLIENT_ID, "http://127.0.0.1:43210/other"},
            {CLIENT_ID, "http://localhost:43210/callback"},
            {CLIENT_ID, "https://evil.example/callback"}
        }) {
            given().redirects()
                    .follow(false)
                    .queryParam("client_id", bad[0])
                    .queryParam("response_type", "code")
                    .queryParam("redirect_uri", bad[1])
                    .queryParam("login_hint", user)
                    .when()
                    .get("/authorize")
                    .then()
                    .statusCode(400)
                    .header("Location", nullValue())
                    .contentType(containsString("text/html"))
                    .body(containsString("INVALID_CLIENT"));
        }
        // any port on a registered loopback URI is fine
        given().redirects()
                .follow(false)
                .queryParam("client_id", CLIENT_ID)
                .queryParam("response_type", "code")
                .queryParam("redirect_uri", "http://127.0.0.1:1/callback")
                .queryParam("login_hint", user)
                .when()
                .get("/authorize")
                .then()
                .statusCode(302);
        // wrong response type: redirect with an error
        given().redirects()
                .follow(false)
                .queryParam("client_id", CLIENT_ID)
                .queryParam("response_type", "token")
                .queryParam("redirect_uri", REDIRECT)
                .queryParam("state", "x")
                .queryParam("login_hint", user)
                .when()
                .get("/authorize")
                .then()
                .statusCode(302)
                .header("Location", equalTo(REDIRECT + "?error=unsupported_response_type&state=x"));
    }

    @Test
    void tokenEndpointErrorsHaveSpotifyShapes() {
        given().contentType(ContentType.URLENC)
                .formParam("grant_type", "authorization_code")
                .formParam("code", "nope")
                .formParam("redirect_uri", REDIRECT)
                .formParam("client_id", "unknown")
                .when()
                .post("/api/token")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_client"))
                .body("error_description", equalTo("Invalid client"));
        given().contentType(ContentType.URLENC)
                .formParam("grant_type", "refresh_token")
                .formParam("refresh_token", "AQnotatoken")
                .formParam("client_id", CLIENT_ID)
                .when()
                .post("/api/token")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"));
        given().contentType(ContentType.URLENC)
                .formParam("grant_type", "password")
                .formParam("client_id", CLIENT_ID)
                .when()
                .post("/api/token")
                .then()
                .statusCode(400)
                .body("error", equalTo("unsupported_grant_type"));
        String user = TestClient.createUsers("idle", 9105, 1, "oauth-err").get(0);
        String verifier = TestClient.verifier();
        String code = TestClient.query(TestClient.authorize(user, verifier, "s"), "code");
        given().contentType(ContentType.URLENC)
                .formParam("grant_type", "authorization_code")
                .formParam("code", code)
                .formParam("redirect_uri", "http://127.0.0.1:1/callback")
                .formParam("client_id", CLIENT_ID)
                .formParam("code_verifier", verifier)
                .when()
                .post("/api/token")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"))
                .body("error_description", equalTo("Invalid redirect URI"));
        assertThat(TokenService.s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
                .isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    @Test
    void revokedAndExpiredRefreshTokensGiveInvalidGrant() {
        java.util.List<String> ids = TestClient.createUsers("typical", 9106, 2, "oauth-revoke");
        TestClient.Tokens a = TestClient.login(ids.get(0));
        TestClient.Tokens b = TestClient.login(ids.get(1));
        given().when()
                .post("/emulator/users/" + ids.get(0) + "/revoke-refresh-tokens")
                .then()
                .statusCode(200)
                .body("revoked", equalTo(1));
        TestClient.refresh(a.refreshToken())
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_grant"))
                .body("error_description", equalTo("Refresh token revoked"));
        given().when()
                .post("/emulator/users/" + ids.get(1) + "/expire-refresh-tokens")
                .then()
                .statusCode(200)
                .body("expired", equalTo(1));
        TestClient.refresh(b.refreshToken()).then().statusCode(400).body("error", equalTo("invalid_grant"));
        given().when()
                .post("/emulator/users/" + ids.get(1) + "/expire-access-tokens")
                .then()
                .statusCode(200);
        given().header("Authorization", TestClient.bearer(b))
                .when()
                .get("/v1/me")
                .then()
                .statusCode(401);
    }
}
