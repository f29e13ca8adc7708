package io.audiospective.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.net.URI;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.audiospective.testing.ApiTokenIssuerTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Every answer carries the security headers; the dashboard runs under a policy without inline code. */
@QuarkusTest
class SecurityHeadersTest {

    @ConfigProperty(name = ApiTokenIssuerTestResource.ISSUER)
    String issuer;

    @Test
    void theDashboardMayLoadOnlyItsOwnFilesAndCallOnlyThisServiceAndAuthService() {
        for (String file : new String[] {"/", "/index.html", "/js/app.js", "/app.css"}) {
            String policy = given().when()
                    .get(file)
                    .then()
                    .statusCode(200)
                    .header("X-Content-Type-Options", "nosniff")
                    .header("Strict-Transport-Security", startsWith("max-age="))
                    .header("X-Frame-Options", "DENY")
                    .extract()
                    .header("Content-Security-Policy");
            URI auth = URI.create(issuer);
            assertThat(policy)
                    .as(file)
                    .contains(
                            "default-src 'self'",
                            "script-src 'self'",
                            "style-src 'self'",
                            "object-src 'none'",
                            "frame-ancestors 'none'",
                            "base-uri 'none'",
                            "connect-src 'self' " + auth.getScheme() + "://" + auth.getAuthority(),
                            // album covers: Spotify's image CDN (dashboard-image-origins' default) and nothing else
                            "img-src 'self' data: https://i.scdn.co;")
                    .doesNotContain("unsafe-inline", "unsafe-eval", "*");
        }
    }

    @Test
    void apiAnswersAllowNothingAtAllEvenWhenRefused() {
        given().when()
                .get("/api/v1/me")
                .then()
                .statusCode(401)
                .header("X-Content-Type-Options", "nosniff")
                .header(
                        "Content-Security-Policy",
                        equalTo("default-src 'none'; frame-ancestors 'none';" + " base-uri 'none'; form-action 'none'"))
                .header("Strict-Transport-Security", startsWith("max-age="));
        given().when()
                .get("/dashboard/config")
                .then()
                .statusCode(200)
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", startsWith("default-src 'none'"));
    }
}
