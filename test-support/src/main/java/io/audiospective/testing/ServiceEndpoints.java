package io.audiospective.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/** What every service serves the platform alike, checked against the running {@code @QuarkusTest} application. */
public final class ServiceEndpoints {

    private ServiceEndpoints() {}

    /**
     * Readiness is UP and covers the schema, PostgreSQL, Redis and Kafka; liveness is UP; metrics and the OpenAPI
     * document are served.
     */
    public static void assertHealthMetricsAndOpenApiServed() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body(
                        "checks.name",
                        hasItems(
                                "database-schema",
                                "Database connections health check",
                                "Redis connection health check",
                                "kafka"));
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/metrics").then().statusCode(200);
        given().when().get("/q/openapi").then().statusCode(200);
    }
}
