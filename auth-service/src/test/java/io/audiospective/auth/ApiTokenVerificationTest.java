package io.audiospective.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.audiospective.testing.ApiTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/** API tokens name the API as their audience, are RS256, and auth-service accepts nothing else. */
@QuarkusTest
class ApiTokenVerificationTest {

    @Inject
    EntityManager entityManager;

    private final ApiTokens tokens = ApiTokens.ofTestIssuer();

    @BeforeEach
    void loopbackHostAndSeats() {
        RestAssured.baseURI = "http://127.0.0.1";
        QuarkusTransaction.requiringNew()
                .run(() -> entityManager
                        .createNativeQuery(
                                "UPDATE membership SET extra_seats = seats_taken + reserved_seats + 1 WHERE id = 1")
                        .executeUpdate());
    }

    @Test
    void issuedTokensNameTheApiAsAudienceAndAreRs256() throws Exception {
        String userId = SpotifySignIn.createUsers(
                        "aud" + UUID.randomUUID().toString().substring(0, 8), 1)
                .get(0);
        String apiToken = SpotifySignIn.signIn(userId).apiToken();

        String[] parts = apiToken.split("\\.");
        JsonNode header = json(parts[0]);
        JsonNode claims = json(parts[1]);
        assertThat(header.path("alg").asText()).isEqualTo("RS256");
        assertThat(claims.path("aud").asText()).isEqualTo(ApiTokens.AUDIENCE);
        assertThat(claims.path("sub").asText()).isEqualTo(userId);

        given().auth().oauth2(apiToken).when().get("/api/v1/account").then().statusCode(200);
        given().auth()
                .oauth2(tokens.user(userId))
                .when()
                .get("/api/v1/account")
                .then()
                .statusCode(200);
        given().auth()
                .oauth2(tokens.audience(null, userId))
                .when()
                .get("/api/v1/account")
                .then()
                .statusCode(401);
        given().auth()
                .oauth2(tokens.audience("another-api", userId))
                .when()
                .get("/api/v1/account")
                .then()
                .statusCode(401);
        given().auth()
                .oauth2(tokens.algorithm(AlgorithmIdentifiers.RSA_USING_SHA512, userId))
                .when()
                .get("/api/v1/account")
                .then()
                .statusCode(401);
        given().auth()
                .oauth2(tokens.algorithm(AlgorithmIdentifiers.RSA_PSS_USING_SHA256, userId))
                .when()
                .get("/admin/waitlist")
                .then()
                .statusCode(401);
    }

    private static JsonNode json(String base64Url) throws Exception {
        return new ObjectMapper()
                .readTree(new String(Base64.getUrlDecoder().decode(base64Url), StandardCharsets.UTF_8));
    }
}
