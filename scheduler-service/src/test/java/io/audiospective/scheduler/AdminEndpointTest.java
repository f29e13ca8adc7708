package io.audiospective.scheduler;

import static io.audiospective.scheduler.AdminRequests.asAdmin;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.junit.jupiter.api.Test;

import io.audiospective.model.BatchReason;
import io.audiospective.scheduler.repository.ScheduledUserRepository;
import io.audiospective.testing.ApiTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/** /admin/users/{id}/schedule and /admin/users/{id}/poll-now, for admins only. */
@QuarkusTest
class AdminEndpointTest {

    @Inject
    ScheduledUserRepository users;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void onlyAdminsOfOurIssuerMaySeeASchedule() {
        String userId = user(ScheduleStatus.ACTIVE);
        ApiTokens tokens = ApiTokens.ofTestIssuer();

        given().when()
                .get("/admin/users/{id}/schedule", userId)
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(tokens.user("member"))
                .when()
                .get("/admin/users/{id}/schedule", userId)
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(tokens.foreignIssuer("admin"))
                .when()
                .get("/admin/users/{id}/schedule", userId)
                .then()
                .statusCode(401);
        given().auth()
                .oauth2(tokens.audience(null, "admin"))
                .when()
                .get("/admin/users/{id}/schedule", userId)
                .then()
                .statusCode(401);
        given().auth()
                .oauth2(tokens.algorithm(AlgorithmIdentifiers.RSA_USING_SHA512, "admin"))
                .when()
                .get("/admin/users/{id}/schedule", userId)
                .then()
                .statusCode(401);
        asAdmin().when().get("/admin/users/{id}/schedule", userId).then().statusCode(200);
    }

    @Test
    void pollNowNeedsAnAdminToken() {
        String userId = user(ScheduleStatus.ACTIVE);

        given().when().post("/admin/users/{id}/poll-now", userId).then().statusCode(401);
        given().auth()
                .oauth2(ApiTokens.ofTestIssuer().user(userId))
                .when()
                .post("/admin/users/{id}/poll-now", userId)
                .then()
                .statusCode(403);
        asAdmin()
                .when()
                .get("/admin/users/{id}/schedule", userId)
                .then()
                .statusCode(200)
                .body("lastBatchId", nullValue());
    }

    @Test
    void theScheduleShowsTheSlotAndTheNextPollWithinThePeriod() {
        String userId = user(ScheduleStatus.ACTIVE);
        long key = QuarkusTransaction.requiringNew().call(() -> users.findById(userId).slotKey);
        Instant before = Instant.now();

        String nextPoll = asAdmin()
                .when()
                .get("/admin/users/{id}/schedule", userId)
                .then()
                .statusCode(200)
                .body("userId", equalTo(userId))
                .body("status", equalTo("ACTIVE"))
                .body("pollingPeriod", equalTo("PT1H"))
                .body(
                        "slotOffset",
                        equalTo(Duration.ofMillis(Slots.offsetMillis(key, Duration.ofHours(1)))
                                .toString()))
                .body("consecutiveFailures", equalTo(0))
                .extract()
                .path("nextPoll");

        assertThat(Instant.parse(nextPoll))
                .isAfterOrEqualTo(before.minusSeconds(1))
                .isBefore(before.plus(Duration.ofHours(1)).plusSeconds(5));
    }

    @Test
    void pollNowPublishesAManualBatchForTheUser() {
        String userId = user(ScheduleStatus.ACTIVE);

        String batchId = asAdmin()
                .when()
                .post("/admin/users/{id}/poll-now", userId)
                .then()
                .statusCode(202)
                .body("userId", equalTo(userId))
                .body("reason", equalTo("MANUAL"))
                .body("batchId", startsWith("manual:"))
                // the id ends up in idempotency keys and logs that outlive a member who deletes their account
                .body("batchId", not(containsString(userId)))
                .extract()
                .path("batchId");

        try (BatchesTopic topic = new BatchesTopic(bootstrapServers)) {
            assertThat(topic.awaitBatches(batch -> batch.batchId().equals(batchId), found -> !found.isEmpty()))
                    .singleElement()
                    .satisfies(keyed -> {
                        assertThat(keyed.key()).isEqualTo(batchId);
                        assertThat(keyed.batch().reason()).isEqualTo(BatchReason.MANUAL);
                        assertThat(keyed.batch().userIds()).containsExactly(userId);
                    });
        }
        asAdmin()
                .when()
                .get("/admin/users/{id}/schedule", userId)
                .then()
                .statusCode(200)
                .body("lastPublishedReason", equalTo("MANUAL"))
                .body("lastBatchId", equalTo(batchId))
                .body("lastPublishedAt", notNullValue());
        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("scheduler_users_published_total{reason=\"MANUAL\"}"));
    }

    @Test
    void anUnknownUserIsAProblemNotAStackTrace() {
        String userId = "nobody-" + UUID.randomUUID();
        asAdmin()
                .when()
                .get("/admin/users/{id}/schedule", userId)
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("title", equalTo("User not found"))
                .body("detail", containsString(userId))
                .body(not(containsString("Exception")));
        asAdmin()
                .when()
                .post("/admin/users/{id}/poll-now", userId)
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void deletedAndUnauthorisedUsersCannotBePolledNow() {
        String deleted = user(ScheduleStatus.DELETED);
        String reauth = user(ScheduleStatus.NEEDS_REAUTH);

        asAdmin()
                .when()
                .post("/admin/users/{id}/poll-now", deleted)
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("deleted"))
                .body("instance", equalTo("/admin/users/" + deleted + "/poll-now"));
        asAdmin()
                .when()
                .post("/admin/users/{id}/poll-now", reauth)
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("re-authorise"));
    }

    @Test
    void aWrongMethodIsAProblemToo() {
        asAdmin()
                .when()
                .delete("/admin/users/{id}/schedule", "x")
                .then()
                .statusCode(405)
                .contentType("application/problem+json")
                .body("status", equalTo(405));
    }

    private String user(ScheduleStatus status) {
        String userId = "admin-" + UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> users.applyStatus(userId, status, Instant.now()));
        return userId;
    }
}
