package io.audiospective.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.audiospective.support.MemberKey;
import io.audiospective.support.security.ApiTokenRevocations;
import io.audiospective.testing.ApiTokens;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;

/** api-service refuses the API tokens auth-service revoked (sign-out, deletion) within a second. */
@QuarkusTest
class RevokedTokenTest {

    @Inject
    RedisDataSource redis;

    private final ApiTokens tokens = ApiTokens.ofTestIssuer();

    @Test
    void tokensOfARevokedSessionAreRefusedWithinASecondAndLaterSessionsAdmitted() {
        String user = "revoked-" + UUID.randomUUID();
        String session5 = tokens.user(user, claims -> claims.setClaim(ApiTokenRevocations.SESSION_CLAIM, 5L));
        String withoutSession = tokens.user(user);
        given().auth().oauth2(session5).when().get("/api/v1/me").then().statusCode(200);
        given().auth().oauth2(withoutSession).when().get("/api/v1/me").then().statusCode(200);

        // what auth-service writes when the member signs out or deletes the account
        redis.hash(String.class)
                .hset(
                        ApiTokenRevocations.KEY,
                        MemberKey.of(user),
                        new ApiTokenRevocations.Entry(6, Instant.now().plus(Duration.ofMinutes(16))).encode());

        await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> {
            given().auth().oauth2(session5).when().get("/api/v1/me").then().statusCode(401);
            given().auth()
                    .oauth2(withoutSession)
                    .when()
                    .get("/api/v1/me/plays")
                    .then()
                    .statusCode(401);
        });
        String session6 = tokens.user(user, claims -> claims.setClaim(ApiTokenRevocations.SESSION_CLAIM, 6L));
        given().auth().oauth2(session6).when().get("/api/v1/me").then().statusCode(200);

        // a flushed Redis does not admit a revoked token again: this replica keeps what it saw until it expires
        redis.hash(String.class).hdel(ApiTokenRevocations.KEY, MemberKey.of(user));
        given().auth().oauth2(session5).when().get("/api/v1/me").then().statusCode(401);
    }
}
