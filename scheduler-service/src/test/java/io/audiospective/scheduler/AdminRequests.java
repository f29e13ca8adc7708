package io.audiospective.scheduler;

import io.audiospective.testing.ApiTokens;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/** Requests to the admin endpoints with an admin's API token from this run's test issuer. */
final class AdminRequests {

    private AdminRequests() {}

    static RequestSpecification asAdmin() {
        return RestAssured.given().auth().oauth2(ApiTokens.ofTestIssuer().admin("scheduler-test-admin"));
    }
}
