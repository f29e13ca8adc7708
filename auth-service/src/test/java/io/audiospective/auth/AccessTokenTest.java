package io.audiospective.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.audiospective.auth.repository.MemberRepository;
import io.audiospective.model.SpotifyAccessToken;
import io.audiospective.model.TokenFingerprint;
import io.audiospective.model.UserEventType;
import io.audiospective.testing.JsonShape;
import io.audiospective.testing.Mailbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

/** Fresh Spotify access tokens for the workers, re-authorisation, and the member's own account endpoints. */
@QuarkusTest
class AccessTokenTest {

    @Inject
    MemberRepository members;

    @Inject
    EntityManager entityManager;

    @ConfigProperty(name = AuthTestSecrets.SERVICE_TOKEN)
    String serviceToken;

    @ConfigProperty(name = AuthTestSecrets.ADMIN_PREFIX)
    String adminPrefix;

    @BeforeEach
    void loopbackHostAndSeats() {
        RestAssured.baseURI = "http://127.0.0.1";
        QuarkusTransaction.requiringNew()
                .run(() -> entityManager
                        .createNativeQuery(
                                "UPDATE membership SET extra_seats = seats_taken + reserved_seats + 5 WHERE id = 1")
                        .executeUpdate());
    }

    /**
     * The provider's side of the contract archive-worker reads: the served body has exactly the shape of shared-model's
     * example (which the worker's {@code AuthServiceStub} is held to as well), and reads back into the contract record
     * with the token and expiry the member's stored grant has.
     */
    @Test
    void theServedTokenIsTheContractTheWorkerReads() throws Exception {
        String userId = signedInUser("contract");

        String served = given().auth()
                .oauth2(serviceToken)
                .when()
                .get(SpotifyAccessToken.BASE_PATH + SpotifyAccessToken.USER_PATH, userId)
                .then()
                .statusCode(200)
                .contentType(ContentType.JSON)
                .extract()
                .asString();

        assertThat(JsonShape.of(served)).isEqualTo(JsonShape.of(SpotifyAccessToken.exampleJson()));
        SpotifyAccessToken read =
                new ObjectMapper().registerModule(new JavaTimeModule()).readValue(served, SpotifyAccessToken.class);
        assertThat(read.accessToken()).isNotBlank();
        assertThat(read.expiresAt()).isAfter(Instant.now().plus(5, ChronoUnit.MINUTES));
        String app = given().auth()
                .oauth2(serviceToken)
                .when()
                .get(SpotifyAccessToken.BASE_PATH + SpotifyAccessToken.APP_PATH)
                .then()
                .statusCode(200)
                .contentType(ContentType.JSON)
                .extract()
                .asString();
        assertThat(JsonShape.of(app)).isEqualTo(JsonShape.of(SpotifyAccessToken.exampleJson()));
    }

    @Test
    void twentyConcurrentRequestsForAnExpiringTokenCauseOneRefreshAndGetOneToken() throws Exception {
        String userId = signedInUser("busy");
        String before = accessToken(userId).get("accessToken");
        expireAccessTokenSoon(userId);
        long refreshesBefore = tokenEndpointCalls();

        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<Map<String, String>>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(pool.submit((Callable<Map<String, String>>) () -> accessToken(userId)));
            }
            List<String> tokens = new ArrayList<>();
            for (Future<Map<String, String>> answer : answers) {
                tokens.add(answer.get().get("accessToken"));
            }
            assertThat(tokens).hasSize(20).containsOnly(tokens.get(0));
            assertThat(tokens.get(0)).isNotEqualTo(before);
        } finally {
            pool.shutdownNow();
        }
        assertThat(tokenEndpointCalls() - refreshesBefore).isEqualTo(1);
        assertThat(Instant.parse(accessToken(userId).get("expiresAt")))
                .isAfter(Instant.now().plus(50, ChronoUnit.MINUTES));
    }

    @Test
    void aRevokedTokenMarksTheUserNeedsReauthUntilTheySignInAgain() {
        String userId = signedInUser("revoked");
        post(SpotifySignIn.emulatorBase() + "/emulator/users/" + userId + "/revoke-refresh-tokens");
        expireAccessTokenSoon(userId);

        given().auth()
                .oauth2(serviceToken)
                .when()
                .get("/internal/users/{id}/access-token", userId)
                .then()
                .statusCode(409)
                .contentType(containsString("application/problem+json"))
                .body("type", equalTo("urn:audiospective:problem:needs-reauth"));
        assertThat(QuarkusTransaction.requiringNew().call(() -> members.findById(userId)).status)
                .isEqualTo(MemberStatus.NEEDS_REAUTH);
        assertThat(UserEvents.find(userId, UserEventType.NEEDS_REAUTH)).isPresent();
        given().auth()
                .oauth2(serviceToken)
                .when()
                .get("/internal/users/{id}/access-token", userId)
                .then()
                .statusCode(409);

        assertThat(SpotifySignIn.signIn(userId).signedIn()).isTrue();

        assertThat(QuarkusTransaction.requiringNew().call(() -> members.findById(userId)).status)
                .isEqualTo(MemberStatus.ACTIVE);
        assertThat(UserEvents.find(userId, UserEventType.REAUTHORIZED)).isPresent();
        given().auth()
                .oauth2(serviceToken)
                .when()
                .get("/internal/users/{id}/access-token", userId)
                .then()
                .statusCode(200)
                .body("accessToken", notNullValue());
    }

    @Test
    void aTokenSpotifyRefusedEarlyIsRenewedOnceAndARevokedAuthorisationThenNeedsReauth() {
        String userId = signedInUser("rejected");
        String refused = accessToken(userId).get("accessToken");
        post(SpotifySignIn.emulatorBase() + "/emulator/users/" + userId + "/expire-access-tokens");
        String fingerprint = TokenFingerprint.of(refused).value();

        String renewed = given().auth()
                .oauth2(serviceToken)
                .queryParam("rejected", fingerprint)
                .when()
                .get("/internal/users/{id}/access-token", userId)
                .then()
                .statusCode(200)
                .extract()
                .path("accessToken");
        assertThat(renewed).isNotEqualTo(refused);
        // a second worker reporting the same refused token gets the renewed one, without another refresh
        long refreshes = tokenEndpointCalls();
        given().auth()
                .oauth2(serviceToken)
                .queryParam("rejected", fingerprint)
                .when()
                .get("/internal/users/{id}/access-token", userId)
                .then()
                .statusCode(200)
                .body("accessToken", equalTo(renewed));
        assertThat(tokenEndpointCalls()).isEqualTo(refreshes);

        post(SpotifySignIn.emulatorBase() + "/emulator/users/" + userId + "/revoke-refresh-tokens");
        post(SpotifySignIn.emulatorBase() + "/emulator/users/" + userId + "/expire-access-tokens");
        given().auth()
                .oauth2(serviceToken)
                .queryParam("rejected", TokenFingerprint.of(renewed).value())
                .when()
                .get("/internal/users/{id}/access-token", userId)
                .then()
                .statusCode(409)
                .body("type", equalTo("urn:audiospective:problem:needs-reauth"));
    }

    @Test
    void aRefreshWhoseAnswerIsSlowIsWaitedForAndTheRotatedTokenKept() {
        String userId = signedInUser("slow");
        String before = accessToken(userId).get("accessToken");
        expireAccessTokenSoon(userId);
        // Spotify rotates the refresh token at once and answers 7 s later (beyond the former 5 s timeout, after
        // which the next refresh presented the spent token and the member had to sign in again)
        putSettings("{\"faults_on_accounts\":true,\"latency\":{\"distribution\":\"fixed\",\"mean_ms\":7000}}");
        try {
            assertThat(accessToken(userId).get("accessToken")).isNotEqualTo(before);
        } finally {
            resetSettings();
        }
        expireAccessTokenSoon(userId);

        accessToken(userId);
        assertThat(QuarkusTransaction.requiringNew().call(() -> members.findById(userId)).status)
                .isEqualTo(MemberStatus.ACTIVE);
    }

    @Test
    void aRotatedRefreshTokenWhoseCommitFailedIsPresentedAtTheNextRefresh() {
        String userId = signedInUser("uncommitted");
        expireAccessTokenSoon(userId);
        String trigger = "refuse_" + UUID.randomUUID().toString().replace("-", "");
        // a real failed commit: PostgreSQL refuses this member's token update at COMMIT, after Spotify rotated
        QuarkusTransaction.requiringNew().run(() -> {
            entityManager
                    .createNativeQuery("CREATE FUNCTION " + trigger + "() RETURNS trigger LANGUAGE plpgsql AS "
                            + "$$ BEGIN RAISE EXCEPTION 'commit refused by the test'; END $$")
                    .executeUpdate();
            entityManager
                    .createNativeQuery("CREATE CONSTRAINT TRIGGER " + trigger + " AFTER UPDATE ON spotify_tokens"
                            + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.user_id = '" + userId + "')"
                            + " EXECUTE FUNCTION " + trigger + "()")
                    .executeUpdate();
        });
        long refreshes = tokenEndpointCalls();
        try {
            given().auth()
                    .oauth2(serviceToken)
                    .when()
                    .get("/internal/users/{id}/access-token", userId)
                    .then()
                    .statusCode(500)
                    .contentType(containsString("application/problem+json"));
        } finally {
            QuarkusTransaction.requiringNew().run(() -> {
                entityManager
                        .createNativeQuery("DROP TRIGGER " + trigger + " ON spotify_tokens")
                        .executeUpdate();
                entityManager
                        .createNativeQuery("DROP FUNCTION " + trigger + "()")
                        .executeUpdate();
            });
        }
        assertThat(tokenEndpointCalls()).isEqualTo(refreshes + 1);

        // the database still holds the spent token and an access token about to expire: the next refresh must
        // present the rotated one
        assertThat(accessToken(userId).get("accessToken")).isNotNull();
        assertThat(QuarkusTransaction.requiringNew().call(() -> members.findById(userId)).status)
                .isEqualTo(MemberStatus.ACTIVE);
        expireAccessTokenSoon(userId);
        accessToken(userId);
    }

    @Test
    void catalogueLookUpsGetTheAppsOwnTokenWhichReadsNoMembersData() {
        String userId = signedInUser("catalogue");
        String apiToken = SpotifySignIn.signIn(userId).apiToken();
        given().when().get("/internal/app-access-token").then().statusCode(401);
        given().auth()
                .oauth2(apiToken)
                .when()
                .get("/internal/app-access-token")
                .then()
                .statusCode(403);

        String app = given().auth()
                .oauth2(serviceToken)
                .when()
                .get("/internal/app-access-token")
                .then()
                .statusCode(200)
                .body("expiresAt", notNullValue())
                .extract()
                .path("accessToken");
        // the same token until it nears its expiry, whoever asks
        given().auth()
                .oauth2(serviceToken)
                .when()
                .get("/internal/app-access-token")
                .then()
                .statusCode(200)
                .body("accessToken", equalTo(app));
        assertThat(app).isNotEqualTo(accessToken(userId).get("accessToken"));
        String artist = given().when()
                .get(SpotifySignIn.emulatorBase() + "/emulator/catalogue?limit=1")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("artist_ids[0]");
        given().auth()
                .oauth2(app)
                .when()
                .get(SpotifySignIn.emulatorBase() + "/v1/artists/" + artist)
                .then()
                .statusCode(200);
        given().auth()
                .oauth2(app)
                .when()
                .get(SpotifySignIn.emulatorBase() + "/v1/me")
                .then()
                .statusCode(401);
    }

    @Test
    void internalEndpointsNeedTheServiceCredential() {
        String userId = signedInUser("nosy");
        String apiToken = SpotifySignIn.signIn(userId).apiToken();

        given().when().get("/internal/users/{id}/access-token", userId).then().statusCode(401);
        given().auth()
                .oauth2("not-a-token")
                .when()
                .get("/internal/users/{id}/access-token", userId)
                .then()
                .statusCode(401);
        given().auth()
                .oauth2(apiToken)
                .when()
                .get("/internal/users/{id}/access-token", userId)
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(serviceToken)
                .when()
                .get("/internal/users/{id}/access-token", "nobody-" + userId)
                .then()
                .statusCode(404)
                .contentType(containsString("application/problem+json"));
        given().auth().oauth2(apiToken).when().get("/admin/waitlist").then().statusCode(403);
    }

    @Test
    void membersRenewSignOutAndDeleteTheirAccount() {
        String userId = signedInUser("leaving");
        String apiToken = SpotifySignIn.signIn(userId).apiToken();

        given().auth()
                .oauth2(apiToken)
                .when()
                .get("/api/v1/account")
                .then()
                .statusCode(200)
                .body("status", equalTo("ACTIVE"))
                .body("reconnectBy", nullValue());
        String renewed = given().auth()
                .oauth2(apiToken)
                .when()
                .post("/api/v1/auth/token")
                .then()
                .statusCode(200)
                .extract()
                .path("accessToken");
        given().auth().oauth2(renewed).when().get("/api/v1/account").then().statusCode(200);

        given().auth().oauth2(renewed).when().post("/api/v1/auth/logout").then().statusCode(204);
        given().auth().oauth2(renewed).when().post("/api/v1/auth/token").then().statusCode(401);

        String again = SpotifySignIn.signIn(userId).apiToken();
        given().auth().oauth2(again).when().delete("/api/v1/account").then().statusCode(204);
        assertThat(QuarkusTransaction.requiringNew().call(() -> members.findById(userId)))
                .isNull();
        assertThat(UserEvents.find(userId, UserEventType.DELETED)).isPresent();
        given().auth()
                .oauth2(serviceToken)
                .when()
                .get("/internal/users/{id}/access-token", userId)
                .then()
                .statusCode(404);
    }

    @Test
    void theReconnectDateShowsFromTwoWeeksBeforeTheAuthorisationRunsOut() {
        String userId = signedInUser("old");
        String apiToken = SpotifySignIn.signIn(userId).apiToken();
        Instant authorizedAt = Instant.now().minus(170, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        QuarkusTransaction.requiringNew().run(() -> members.findById(userId).authorizedAt = authorizedAt);

        given().auth()
                .oauth2(apiToken)
                .when()
                .get("/api/v1/account")
                .then()
                .statusCode(200)
                .body(
                        "reconnectBy",
                        equalTo(authorizedAt.plus(182, ChronoUnit.DAYS).toString()));
    }

    @Test
    void adminsSeeTheWaitlistAndAdmitPeople() {
        String admin = SpotifySignIn.createUsers(adminPrefix, 1).get(0);
        String adminToken = SpotifySignIn.signIn(admin).apiToken();
        String email = "fan-" + UUID.randomUUID() + "@example.org";
        given().formParam("email", email).when().post("/waitlist").then().statusCode(200);

        List<Map<String, Object>> waitlist = given().auth()
                .oauth2(adminToken)
                .when()
                .get("/admin/waitlist")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        Number id = (Number) waitlist.stream()
                .filter(e -> email.equals(e.get("email")))
                .findFirst()
                .orElseThrow()
                .get("id");
        int extraBefore = extraSeats();
        // an address its owner has not confirmed is not admitted
        given().auth()
                .oauth2(adminToken)
                .when()
                .post("/admin/waitlist/{id}/admit", id)
                .then()
                .statusCode(404);
        Mailbox.line().restore();
        await().atMost(Duration.ofSeconds(30)).until(() -> !Mailbox.of(email).isEmpty());
        String confirm = Mailbox.of(email)
                .get(0)
                .text()
                .lines()
                .filter(line -> line.contains("/waitlist/confirm?"))
                .findFirst()
                .orElseThrow()
                .trim();
        URI link = URI.create(confirm);
        given().when().get(link.getRawPath() + "?" + link.getRawQuery()).then().statusCode(200);

        given().auth()
                .oauth2(adminToken)
                .when()
                .post("/admin/waitlist/{id}/admit", id)
                .then()
                .statusCode(204);
        given().auth()
                .oauth2(adminToken)
                .when()
                .post("/admin/waitlist/{id}/admit", id)
                .then()
                .statusCode(404);
        assertThat(extraSeats()).isEqualTo(extraBefore + 1);
    }

    private String signedInUser(String kind) {
        String userId = SpotifySignIn.createUsers(
                        kind + UUID.randomUUID().toString().substring(0, 8), 1)
                .get(0);
        assertThat(SpotifySignIn.signIn(userId).signedIn()).isTrue();
        return userId;
    }

    private Map<String, String> accessToken(String userId) {
        return given().auth()
                .oauth2(serviceToken)
                .when()
                .get("/internal/users/{id}/access-token", userId)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("$");
    }

    private void expireAccessTokenSoon(String userId) {
        QuarkusTransaction.requiringNew()
                .run(() -> entityManager
                        .createNativeQuery(
                                "UPDATE spotify_tokens SET access_expires_at = now() + interval '1 minute' WHERE user_id = :id")
                        .setParameter("id", userId)
                        .executeUpdate());
    }

    private int extraSeats() {
        return QuarkusTransaction.requiringNew()
                .call(() -> ((Number) entityManager
                                .createNativeQuery("SELECT extra_seats FROM membership WHERE id = 1")
                                .getSingleResult())
                        .intValue());
    }

    private static long tokenEndpointCalls() {
        Map<String, Map<String, Number>> counters = given().when()
                .get(SpotifySignIn.emulatorBase() + "/emulator/counters")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("$");
        return counters.getOrDefault("POST /api/token", Map.of()).values().stream()
                .mapToLong(Number::longValue)
                .sum();
    }

    private static void putSettings(String json) {
        given().contentType(ContentType.JSON)
                .body(json)
                .when()
                .put(SpotifySignIn.emulatorBase() + "/emulator/settings")
                .then()
                .statusCode(200);
    }

    private static void resetSettings() {
        given().when()
                .post(SpotifySignIn.emulatorBase() + "/emulator/settings/reset")
                .then()
                .statusCode(200);
    }

    private static void post(String url) {
        given().contentType(ContentType.JSON).when().post(url).then().statusCode(200);
    }
}
