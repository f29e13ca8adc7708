package io.audiospective.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.audiospective.auth.service.RotatedRefreshTokens;
import io.audiospective.support.MemberKey;
import io.audiospective.support.security.ApiTokenRevocations;
import io.audiospective.testing.ApiTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/** Sign-out and account deletion revoke API tokens; sessions end; a token is dead at its expiry. */
@QuarkusTest
class MemberLifecycleSecurityTest {

    @Inject
    EntityManager entityManager;

    @Inject
    RedisDataSource redis;

    @Inject
    RotatedRefreshTokens rotatedRefreshTokens;

    private final ApiTokens tokens = ApiTokens.ofTestIssuer();

    @BeforeEach
    void loopbackHostAndSeats() {
        RestAssured.baseURI = "http://127.0.0.1";
        QuarkusTransaction.requiringNew()
                .run(() -> entityManager
                        .createNativeQuery(
                                "UPDATE membership SET extra_seats = seats_taken + reserved_seats + 3 WHERE id = 1")
                        .executeUpdate());
    }

    @Test
    void signingOutRefusesEveryTokenOfTheMemberAndANewSignInWorks() {
        String userId = member("out");
        String laptop = SpotifySignIn.signIn(userId).apiToken();
        String phone = SpotifySignIn.signIn(userId).apiToken();
        String renewed = given().auth()
                .oauth2(laptop)
                .when()
                .post("/api/v1/auth/token")
                .then()
                .statusCode(200)
                .extract()
                .path("accessToken");

        given().auth().oauth2(phone).when().post("/api/v1/auth/logout").then().statusCode(204);

        for (String token : new String[] {laptop, phone, renewed}) {
            given().auth().oauth2(token).when().get("/api/v1/account").then().statusCode(401);
            given().auth()
                    .oauth2(token)
                    .when()
                    .post("/api/v1/auth/token")
                    .then()
                    .statusCode(401);
        }
        String next = SpotifySignIn.signIn(userId).apiToken();
        given().auth().oauth2(next).when().get("/api/v1/account").then().statusCode(200);
        given().auth().oauth2(laptop).when().get("/api/v1/account").then().statusCode(401);
    }

    @Test
    void deletingTheAccountRefusesItsTokensWithinASecondAndASignUpAgainIsAdmitted() {
        String userId = member("gone");
        String token = SpotifySignIn.signIn(userId).apiToken();
        String renewed = given().auth()
                .oauth2(token)
                .when()
                .post("/api/v1/auth/token")
                .then()
                .statusCode(200)
                .extract()
                .path("accessToken");

        rotatedRefreshTokens.keep(userId, "stored-refresh-token", "rotated-refresh-token");

        given().auth().oauth2(renewed).when().delete("/api/v1/account").then().statusCode(204);
        Instant deleted = Instant.now();

        await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> {
            given().auth().oauth2(token).when().get("/api/v1/account").then().statusCode(401);
            given().auth().oauth2(renewed).when().get("/api/v1/account").then().statusCode(401);
        });
        // the shared list every service reads: api-service and scheduler-service refuse them too
        String entry = redis.hash(String.class).hget(ApiTokenRevocations.KEY, MemberKey.of(userId));
        assertThat(entry).isNotNull();
        assertThat(Instant.ofEpochSecond(Long.parseLong(entry.substring(entry.indexOf(':') + 1))))
                .isBetween(deleted.plus(Duration.ofMinutes(15)), deleted.plus(Duration.ofMinutes(17)));
        // what outlives the member names them only by a hash, and no copy of a Spotify token of theirs is left
        assertThat(redis.hash(String.class).hget(ApiTokenRevocations.KEY, userId))
                .isNull();
        assertThat(QuarkusTransaction.requiringNew()
                        .call(() -> entityManager
                                .createNativeQuery("SELECT count(*) FROM api_token_revocations WHERE user_key = ?1")
                                .setParameter(1, userId)
                                .getSingleResult()))
                .isEqualTo(0L);
        assertThat(redis.key().exists("auth:rotated-refresh:" + userId)).isFalse();
        assertThat(redis.key().exists("auth:rotated-refresh:" + MemberKey.of(userId)))
                .isFalse();

        String anew = SpotifySignIn.signIn(userId).apiToken();
        given().auth().oauth2(anew).when().get("/api/v1/account").then().statusCode(200);
        given().auth().oauth2(renewed).when().post("/api/v1/auth/token").then().statusCode(401);
    }

    @Test
    void aRevocationLostInRedisIsWrittenAgainFromTheDatabase() {
        String userId = member("flushed");
        String token = SpotifySignIn.signIn(userId).apiToken();
        given().auth().oauth2(token).when().post("/api/v1/auth/logout").then().statusCode(204);
        String memberKey = MemberKey.of(userId);
        String entry = redis.hash(String.class).hget(ApiTokenRevocations.KEY, memberKey);
        assertThat(entry).isNotNull();

        redis.hash(String.class).hdel(ApiTokenRevocations.KEY, memberKey);

        await().atMost(Duration.ofSeconds(5))
                .until(() -> entry.equals(redis.hash(String.class).hget(ApiTokenRevocations.KEY, memberKey)));
        given().auth().oauth2(token).when().get("/api/v1/account").then().statusCode(401);
    }

    @Test
    void renewalKeepsTheSessionAndEndsWithItsAbsoluteLifetime() throws Exception {
        String userId = member("long");
        String token = SpotifySignIn.signIn(userId).apiToken();
        String renewed = given().auth()
                .oauth2(token)
                .when()
                .post("/api/v1/auth/token")
                .then()
                .statusCode(200)
                .extract()
                .path("accessToken");
        assertThat(claims(renewed).path("session").asLong())
                .isEqualTo(claims(token).path("session").asLong());
        assertThat(claims(renewed).path("auth_time").asLong())
                .isEqualTo(claims(token).path("auth_time").asLong());

        long eightDaysAgo = Instant.now().minus(Duration.ofDays(8)).getEpochSecond();
        String old = tokens.user(userId, claims -> {
            claims.setClaim("session", Long.MAX_VALUE);
            claims.setClaim("auth_time", eightDaysAgo);
        });
        given().auth().oauth2(old).when().get("/api/v1/account").then().statusCode(200);
        given().auth().oauth2(old).when().post("/api/v1/auth/token").then().statusCode(401);

        long sixDaysAgo = Instant.now().minus(Duration.ofDays(6)).getEpochSecond();
        String lasting = tokens.user(userId, claims -> {
            claims.setClaim("session", Long.MAX_VALUE);
            claims.setClaim("auth_time", sixDaysAgo);
        });
        String last = given().auth()
                .oauth2(lasting)
                .when()
                .post("/api/v1/auth/token")
                .then()
                .statusCode(200)
                .extract()
                .path("accessToken");
        // never beyond the session's end: 7 days after the sign-in
        assertThat(claims(last).path("exp").asLong())
                .isLessThanOrEqualTo(sixDaysAgo + Duration.ofDays(7).toSeconds());
    }

    @Test
    void aTokenIsRefusedFromItsExpiryOn() {
        String userId = member("late");
        String expired = tokens.user(userId, claims -> {
            claims.setIssuedAt(
                    NumericDate.fromSeconds(Instant.now().minusSeconds(600).getEpochSecond()));
            claims.setExpirationTime(
                    NumericDate.fromSeconds(Instant.now().minusSeconds(5).getEpochSecond()));
        });
        given().auth().oauth2(expired).when().get("/api/v1/account").then().statusCode(401);
        given().auth().oauth2(expired).when().post("/api/v1/auth/token").then().statusCode(401);
    }

    private static String member(String kind) {
        String userId = SpotifySignIn.createUsers(
                        kind + UUID.randomUUID().toString().substring(0, 8), 1)
                .get(0);
        assertThat(SpotifySignIn.signIn(userId).signedIn()).isTrue();
        return userId;
    }

    private static JsonNode claims(String token) throws Exception {
        return new ObjectMapper()
                .readTree(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
    }
}
