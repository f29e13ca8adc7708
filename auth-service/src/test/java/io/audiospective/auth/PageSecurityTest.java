package io.audiospective.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.startsWith;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/** The sign-in and waitlist pages: security headers, and a waitlist each client may only sign up to a few times. */
@QuarkusTest
class PageSecurityTest {

    @Inject
    EntityManager entityManager;

    @BeforeEach
    void loopbackHostAndAFullCap() {
        RestAssured.baseURI = "http://127.0.0.1";
        QuarkusTransaction.requiringNew()
                .run(() -> entityManager
                        .createNativeQuery(
                                "UPDATE membership SET extra_seats = seats_taken + reserved_seats WHERE id = 1")
                        .executeUpdate());
    }

    @Test
    void theWaitlistPageRunsUnderAPolicyAdmittingOnlyItsOwnStyle() throws Exception {
        Response page = given().when()
                .get("/login")
                .then()
                .statusCode(200)
                .header("X-Content-Type-Options", "nosniff")
                .header("Strict-Transport-Security", startsWith("max-age="))
                .header("X-Frame-Options", "DENY")
                .extract()
                .response();
        String policy = page.header("Content-Security-Policy");
        Matcher style = Pattern.compile("<style>(.*?)</style>", Pattern.DOTALL).matcher(page.asString());
        assertThat(style.find()).isTrue();
        String hash = Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance("SHA-256")
                        .digest(style.group(1).getBytes(StandardCharsets.UTF_8)));
        assertThat(policy)
                .contains(
                        "default-src 'none'",
                        "style-src 'sha256-" + hash + "'",
                        "form-action 'self'",
                        "frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "script-src");
        given().when()
                .get("/.well-known/jwks.json")
                .then()
                .statusCode(200)
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", startsWith("default-src 'none'"));
    }

    @Test
    void aClientMaySignUpAFewTimesThenWaits() {
        // a client address of its own, as the ingress controller would forward it
        String client = "10.%d.%d.%d".formatted(rnd(), rnd(), rnd());
        for (int i = 0; i < 5; i++) {
            given().header("X-Forwarded-For", client)
                    .formParam("email", "someone" + i + "@example.org")
                    .when()
                    .post("/waitlist")
                    .then()
                    .statusCode(200);
        }
        given().header("X-Forwarded-For", client)
                .formParam("email", "sixth@example.org")
                .when()
                .post("/waitlist")
                .then()
                .statusCode(429)
                .contentType("application/problem+json")
                .header("Retry-After", Integer::parseInt, allOf(greaterThan(0), lessThanOrEqualTo(600)))
                .body("status", equalTo(429))
                .body("detail", containsString("try again"));
        // another client is not held up
        given().header("X-Forwarded-For", "10.%d.%d.%d".formatted(rnd(), rnd(), rnd()))
                .formParam("email", "other@example.org")
                .when()
                .post("/waitlist")
                .then()
                .statusCode(200);
    }

    private static int rnd() {
        return Math.floorMod(UUID.randomUUID().hashCode(), 254) + 1;
    }
}
