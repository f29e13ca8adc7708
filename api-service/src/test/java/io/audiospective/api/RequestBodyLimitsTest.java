package io.audiospective.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Only the import upload takes large bodies; every other route refuses them with problem details, unread. */
@QuarkusTest
class RequestBodyLimitsTest {

    @Inject
    Tokens tokens;

    @TestHTTPResource("/api/v1/me/time-zone")
    URI timeZone;

    @Test
    void aLargeBodyOutsideTheUploadIsRefusedWithAProblem() {
        String user = "limits-" + UUID.randomUUID();
        String large = "{\"timeZone\":\"Europe/Paris\",\"padding\":\"" + "x".repeat(100_000) + "\"}";

        given().auth()
                .oauth2(tokens.user(user))
                .contentType("application/json")
                .body(large)
                .when()
                .put("/api/v1/me/time-zone")
                .then()
                .statusCode(413)
                .contentType("application/problem+json")
                .body("status", equalTo(413))
                .body("type", equalTo("urn:audiospective:problem:body-too-large"))
                .body("detail", containsString("65536 bytes"));
        // a small body still goes through
        given().auth()
                .oauth2(tokens.user(user))
                .contentType("application/json")
                .body("{\"timeZone\":\"Europe/Paris\"}")
                .when()
                .put("/api/v1/me/time-zone")
                .then()
                .statusCode(200);
    }

    @Test
    void theUploadTakesBodiesFarLargerThanThat() {
        String user = "limits-" + UUID.randomUUID();
        byte[] notJson = ("[" + " ".repeat(300_000) + "nonsense").getBytes(StandardCharsets.UTF_8);

        given().auth()
                .oauth2(tokens.user(user))
                .contentType("application/json")
                .queryParam("name", "big.json")
                .body(notJson)
                .when()
                .post("/api/v1/me/imports")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("detail", containsString("not valid JSON"));
    }

    @Test
    void aBodyOfUnknownLengthOutsideTheUploadIsRefused() throws Exception {
        byte[] body = "{\"timeZone\":\"Europe/Paris\"}".getBytes(StandardCharsets.UTF_8);
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(timeZone)
                        .header("Authorization", "Bearer " + tokens.user("limits-" + UUID.randomUUID()))
                        .header("Content-Type", "application/json")
                        // a stream publisher has no length: the body goes chunked
                        .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(411);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("Content-Length");
    }
}
