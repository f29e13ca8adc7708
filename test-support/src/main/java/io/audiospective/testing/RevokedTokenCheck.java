package io.audiospective.testing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.audiospective.support.MemberKey;
import io.audiospective.support.security.ApiTokenRevocations;
import io.quarkus.redis.datasource.RedisDataSource;

/**
 * How every service that takes API tokens treats a revoked session, checked against the running {@code @QuarkusTest}
 * application: what auth-service writes to Redis on sign-out or deletion refuses the member's earlier tokens within a
 * second, admits a later session, and stays refused when Redis forgets it.
 *
 * @param path a path of the service the member's token is sent to, {@code {id}} standing for the member's id
 * @param admitted the status a valid token of the member gets there (200, or 403 where only admins get past)
 */
public record RevokedTokenCheck(String path, int admitted) {

    public void assertRevokedSessionsRefused(RedisDataSource redis) {
        ApiTokens tokens = ApiTokens.ofTestIssuer();
        String user = "revoked-" + UUID.randomUUID();
        String session5 = tokens.user(user, claims -> claims.setClaim(ApiTokenRevocations.SESSION_CLAIM, 5L));
        String withoutSession = tokens.user(user);
        assertStatus(session5, user, admitted);
        assertStatus(withoutSession, user, admitted);

        redis.hash(String.class)
                .hset(
                        ApiTokenRevocations.KEY,
                        MemberKey.of(user),
                        new ApiTokenRevocations.Entry(6, Instant.now().plus(Duration.ofMinutes(16))).encode());

        await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertStatus(session5, user, 401);
            assertStatus(withoutSession, user, 401);
        });
        String session6 = tokens.user(user, claims -> claims.setClaim(ApiTokenRevocations.SESSION_CLAIM, 6L));
        assertStatus(session6, user, admitted);

        // a flushed Redis does not admit a revoked token again: the replica keeps what it saw until it expires
        redis.hash(String.class).hdel(ApiTokenRevocations.KEY, MemberKey.of(user));
        assertStatus(session5, user, 401);
    }

    private void assertStatus(String token, String user, int status) {
        given().auth()
                .oauth2(token)
                .when()
                .get(path.replace("{id}", user))
                .then()
                .statusCode(status);
    }
}
