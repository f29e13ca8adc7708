package io.audiospective.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.Test;

import io.audiospective.testing.ApiTokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A token verified once is admitted again without verifying it again, but only that exact token and only until it
 * expires.
 */
@QuarkusTest
class VerifiedApiTokensTest {

    private final ApiTokens tokens = ApiTokens.ofTestIssuer();

    @Inject
    MeterRegistry metrics;

    @Test
    void aVerifiedTokenIsReusedUntilItExpires() {
        String user = "verified-" + UUID.randomUUID();
        long expiresAt = Instant.now().plusSeconds(3).getEpochSecond();
        String token = tokens.user(user, claims -> claims.setExpirationTime(NumericDate.fromSeconds(expiresAt)));

        status(token, 200);
        double reused = reused();
        status(token, 200);
        assertThat(reused()).isEqualTo(reused + 1);

        // the same claims with another signature: not the token that was verified, so verified (and refused)
        String forged = token.substring(0, token.lastIndexOf('.') + 1)
                + new StringBuilder(token.substring(token.lastIndexOf('.') + 1)).reverse();
        status(forged, 401);

        // once expired it is refused, although it was admitted a moment ago
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> status(token, 401));
        assertThat(Instant.now().getEpochSecond()).isGreaterThanOrEqualTo(expiresAt);
    }

    private double reused() {
        return metrics.counter("audiospective.api.tokens.reused").count();
    }

    private static void status(String token, int status) {
        given().auth().oauth2(token).when().get("/api/v1/me").then().statusCode(status);
    }
}
