package io.audiospective.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import org.junit.jupiter.api.Test;

import io.audiospective.testing.ApiTokens;
import io.quarkus.test.junit.QuarkusTest;

/** A parameter that is not of its type is a 400 problem, never a 404 or a stack trace. */
@QuarkusTest
class AdminParametersTest {

    private final String admin = ApiTokens.ofTestIssuer().admin("parameters-admin");

    @Test
    void aWaitlistIdThatIsNoNumberIsABadRequest() {
        for (String id : new String[] {"abc", "99999999999999999999", "1e3", "-"}) {
            given().auth()
                    .oauth2(admin)
                    .when()
                    .post("/admin/waitlist/{id}/admit", id)
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("status", equalTo(400))
                    .body("detail", containsString("not valid"))
                    .body(not(containsString("Exception")), not(containsString("\tat ")));
        }
    }

    @Test
    void aNumberNobodyWaitsUnderIsStillNotFound() {
        given().auth()
                .oauth2(admin)
                .when()
                .post("/admin/waitlist/{id}/admit", Long.MAX_VALUE)
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }
}
