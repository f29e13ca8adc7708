package io.audiospective.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.junit.jupiter.api.Test;

import io.audiospective.testing.ApiTokenIssuerTestResource;
import io.audiospective.testing.ApiTokens;
import io.quarkus.test.junit.QuarkusTest;

/** Only auth-service's API tokens are accepted: its issuer, the API's audience, RS256 and nothing else. */
@QuarkusTest
class ApiTokenVerificationTest {

    private final ApiTokens tokens = ApiTokens.ofTestIssuer();

    @ConfigProperty(name = ApiTokenIssuerTestResource.ISSUER)
    String issuer;

    @Test
    void aTokenForTheApiIsAccepted() {
        given().auth()
                .oauth2(tokens.user(fresh()))
                .when()
                .get("/api/v1/me")
                .then()
                .statusCode(200);
    }

    @Test
    void aTokenWithoutTheApisAudienceIsRefused() {
        given().auth()
                .oauth2(tokens.audience(null, fresh()))
                .when()
                .get("/api/v1/me")
                .then()
                .statusCode(401);
        given().auth()
                .oauth2(tokens.audience("another-api", fresh()))
                .when()
                .get("/api/v1/admin/overview")
                .then()
                .statusCode(401);
    }

    @Test
    void aTokenSignedWithTheRightKeyButAnotherAlgorithmIsRefused() {
        given().auth()
                .oauth2(tokens.algorithm(AlgorithmIdentifiers.RSA_USING_SHA512, fresh()))
                .when()
                .get("/api/v1/me")
                .then()
                .statusCode(401);
        given().auth()
                .oauth2(tokens.algorithm(AlgorithmIdentifiers.RSA_PSS_USING_SHA256, fresh()))
                .when()
                .get("/api/v1/me")
                .then()
                .statusCode(401);
    }

    @Test
    void theDashboardIsToldTheIssuersPublicUrl() {
        given().when().get("/dashboard/config").then().statusCode(200).body("authUrl", equalTo(issuer));
    }

    private static String fresh() {
        return "verify-" + UUID.randomUUID();
    }
}
