package io.audiospective.scheduler;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.audiospective.model.BatchReason;
import io.audiospective.model.UserEventType;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The scheduled tick on the wall clock, with the hour compressed to 10 seconds as in a local run. */
@QuarkusTest
@TestProfile(LiveTickTest.CompressedHour.class)
class LiveTickTest {

    private static final String LANE = "live-" + UUID.randomUUID();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void aRegisteredUserIsPublishedByTheRunningSchedulerEveryPeriod() {
        String userId = "live-" + UUID.randomUUID();
        try (BatchesTopic topic = new BatchesTopic(bootstrapServers)) {
            TestMessages.userEvent(bootstrapServers, userId, UserEventType.REGISTERED, Instant.now());

            List<BatchesTopic.Keyed> polls = topic.awaitBatches(
                    batch -> batch.batchId().startsWith(LANE + ":")
                            && batch.userIds().contains(userId),
                    found -> found.size() >= 2);

            assertThat(polls).allSatisfy(keyed -> {
                assertThat(keyed.batch().reason()).isIn(BatchReason.SCHEDULED, BatchReason.CATCH_UP);
                assertThat(keyed.key()).isEqualTo(keyed.batch().batchId());
            });
            long gap = polls.get(1).batch().scheduledFor().toEpochMilli()
                    - polls.get(0).batch().scheduledFor().toEpochMilli();
            assertThat(gap).isEqualTo(10_000);
        }
        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("scheduler_windows_total"))
                .body(containsString("scheduler_watermark_lag_seconds"));
    }

    public static class CompressedHour implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "audiospective.scheduler.tick-enabled", "true",
                    "audiospective.scheduler.polling-period", "PT10S",
                    "audiospective.scheduler.window-length", "PT1S",
                    "audiospective.scheduler.tick-interval", "PT0.5S",
                    "audiospective.scheduler.lane", LANE,
                    "audiospective.scheduler.instance-id", "live-test");
        }
    }
}
