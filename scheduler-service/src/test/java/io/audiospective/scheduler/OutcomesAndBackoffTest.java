package io.audiospective.scheduler;

import static io.audiospective.scheduler.AdminRequests.asAdmin;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.audiospective.model.ArchiveOutcome;
import io.audiospective.model.BatchReason;
import io.audiospective.model.FailureKind;
import io.audiospective.model.Topics;
import io.audiospective.scheduler.repository.ScheduledUserRepository;
import io.audiospective.scheduler.service.TickService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/** Outcomes from {@code archive.outcomes} drive each user's backoff; the tick honours it. */
@QuarkusTest
class OutcomesAndBackoffTest {

    private static final Instant BASE = Instant.parse("2031-04-01T08:00:00Z");

    @Inject
    TickService ticks;

    @Inject
    ScheduledUserRepository users;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void backoffDoublesPerConsecutiveFailureOfOneKindUpToItsCapAndResetsOnSuccess() {
        String userId = activeUser();
        record Step(FailureKind kind, Long retryAfter, int failures, Duration backoff) {}
        List<Step> steps = List.of(
                new Step(FailureKind.NETWORK, null, 1, minutes(10)),
                new Step(FailureKind.NETWORK, null, 2, minutes(20)),
                new Step(FailureKind.NETWORK, null, 3, minutes(40)),
                new Step(FailureKind.NETWORK, null, 4, minutes(60)),
                new Step(FailureKind.NETWORK, null, 5, minutes(60)),
                new Step(FailureKind.AUTH, null, 1, minutes(30)),
                new Step(FailureKind.AUTH, null, 2, minutes(60)),
                new Step(FailureKind.AUTH, null, 3, minutes(120)),
                new Step(FailureKind.AUTH, null, 4, minutes(240)),
                new Step(FailureKind.AUTH, null, 5, minutes(240)),
                new Step(null, null, 0, null),
                new Step(FailureKind.UNKNOWN, null, 1, minutes(20)),
                new Step(FailureKind.UNKNOWN, null, 2, minutes(40)),
                new Step(FailureKind.UNKNOWN, null, 3, minutes(80)),
                new Step(FailureKind.UNKNOWN, null, 4, minutes(160)),
                new Step(FailureKind.UNKNOWN, null, 5, minutes(180)),
                new Step(FailureKind.RATE_LIMITED, 90L, 1, Duration.ofSeconds(90)),
                new Step(FailureKind.RATE_LIMITED, 600L, 2, Duration.ofSeconds(600)),
                new Step(null, null, 0, null));
        Instant completed = BASE;
        for (Step step : steps) {
            completed = completed.plus(minutes(1));
            Instant at = completed;
            if (step.kind() == null) {
                send(ArchiveOutcome.success("b", userId, at, at, 3, false, false, false));
            } else {
                send(ArchiveOutcome.failure("b", userId, at, at, step.kind(), step.retryAfter(), "failed"));
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                var response = asAdmin()
                        .when()
                        .get("/admin/users/{id}/schedule", userId)
                        .then()
                        .statusCode(200)
                        .body("lastOutcomeAt", equalTo(at.toString()))
                        .body("consecutiveFailures", equalTo(step.failures()));
                if (step.kind() == null) {
                    response.body("failureKind", nullValue())
                            .body("backoffUntil", nullValue())
                            .body("extraPollAt", nullValue());
                } else {
                    response.body("failureKind", equalTo(step.kind().name()))
                            .body(
                                    "backoffUntil",
                                    equalTo(at.plus(step.backoff()).toString()))
                            .body("extraPollAt", equalTo(at.plus(step.backoff()).toString()))
                            .body("extraPollReason", equalTo("RETRY"));
                }
            });
        }
    }

    @Test
    void repeatedAndOlderOutcomesDoNotCountAgain() {
        String userId = activeUser();
        Instant t1 = BASE.plus(minutes(1));
        Instant t2 = BASE.plus(minutes(2));
        Instant t3 = BASE.plus(minutes(3));
        send(ArchiveOutcome.failure("b", userId, t2, t2, FailureKind.NETWORK, null, "timeout"));
        send(ArchiveOutcome.failure("b", userId, t2, t2, FailureKind.NETWORK, null, "timeout"));
        send(ArchiveOutcome.failure("b", userId, t1, t1, FailureKind.NETWORK, null, "older"));
        send(ArchiveOutcome.success("b", userId, BASE, BASE, 1, false, false, false));
        send(ArchiveOutcome.failure("b", userId, t3, t3, FailureKind.NETWORK, null, "timeout"));

        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> asAdmin()
                        .when()
                        .get("/admin/users/{id}/schedule", userId)
                        .then()
                        .statusCode(200)
                        .body("lastOutcomeAt", equalTo(t3.toString()))
                        .body("consecutiveFailures", equalTo(2))
                        .body("backoffUntil", equalTo(t3.plus(minutes(20)).toString())));
    }

    @Test
    void aUserInBackoffIsSkippedAtTheirSlotAndPolledAgainWhenTheBackoffEnds() {
        String userId = activeUser();
        long key = QuarkusTransaction.requiringNew().call(() -> users.findById(userId).slotKey);
        Instant slot = Slots.slotInPeriodOf(key, BASE.plus(Duration.ofHours(5)), Duration.ofHours(1));
        Instant failedAt = slot.minus(minutes(5));
        send(ArchiveOutcome.failure("b", userId, failedAt, failedAt, FailureKind.NETWORK, null, "HTTP 503"));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> asAdmin()
                        .when()
                        .get("/admin/users/{id}/schedule", userId)
                        .then()
                        .body("backoffUntil", equalTo(slot.plus(minutes(5)).toString())));

        SchedulerInstance instance = new SchedulerInstance("backoff-test", "lane-" + UUID.randomUUID());
        Instant slotWindow = Slots.floor(slot, minutes(1));
        try (BatchesTopic topic = new BatchesTopic(bootstrapServers)) {
            ticks.tick(instance, slotWindow);
            WindowResult atSlot =
                    ticks.tick(instance, slotWindow.plus(minutes(1))).windows().get(0);
            assertThat(atSlot.skipped()).containsKey("backoff_network");
            assertThat(atSlot.batches()).noneMatch(batch -> batch.userIds().contains(userId));

            Instant retryWindowEnd =
                    Slots.floor(slot.plus(minutes(5)), minutes(1)).plus(minutes(1));
            List<WindowResult> later = ticks.tick(instance, retryWindowEnd).windows();
            var retries = later.stream()
                    .flatMap(window -> window.batches().stream())
                    .filter(batch -> batch.userIds().contains(userId))
                    .toList();
            assertThat(retries).hasSize(1);
            assertThat(retries.get(0).reason()).isEqualTo(BatchReason.SCHEDULED);
            assertThat(retries.get(0).batchId()).contains(":extra-scheduled:");

            String retryId = retries.get(0).batchId();
            assertThat(topic.awaitBatches(batch -> batch.batchId().equals(retryId), found -> !found.isEmpty()))
                    .singleElement()
                    .satisfies(keyed -> assertThat(keyed.batch().userIds()).contains(userId));
        }
        asAdmin()
                .when()
                .get("/admin/users/{id}/schedule", userId)
                .then()
                .statusCode(200)
                .body("extraPollAt", nullValue())
                .body("lastPublishedReason", equalTo("SCHEDULED"));
        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("scheduler_users_skipped_total{reason=\"backoff_network\"}"));
    }

    @Test
    void aMalformedOutcomeGoesToTheDeadLetterTopicAndConsumptionContinues() {
        String key = "garbage-" + UUID.randomUUID();
        TestMessages.sendRaw(bootstrapServers, Topics.ARCHIVE_OUTCOMES, key, "{not json".getBytes());

        try (KafkaCompanion kafka = new KafkaCompanion(bootstrapServers)) {
            ConsumerTask<String, byte[]> dlq = kafka.consume(String.class, byte[].class)
                    .withGroupId("dlq-test-" + UUID.randomUUID())
                    .withOffsetReset(OffsetResetStrategy.EARLIEST)
                    .fromTopics(Topics.deadLetter(Topics.ARCHIVE_OUTCOMES));
            try {
                ConsumerRecord<String, byte[]> dead = await().atMost(Duration.ofSeconds(60))
                        .until(
                                () -> dlq.getRecords().stream()
                                        .filter(r -> key.equals(r.key()))
                                        .findFirst()
                                        .orElse(null),
                                record -> record != null);
                assertThat(new String(
                                dead.headers().lastHeader("dead-letter-reason").value(),
                                java.nio.charset.StandardCharsets.UTF_8))
                        .contains("Cannot read ArchiveOutcome");
            } finally {
                dlq.stop();
            }
        }

        String userId = activeUser();
        Instant at = BASE.plus(minutes(7));
        send(ArchiveOutcome.failure("b", userId, at, at, FailureKind.UNKNOWN, null, "odd"));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> asAdmin()
                        .when()
                        .get("/admin/users/{id}/schedule", userId)
                        .then()
                        .body("failureKind", equalTo("UNKNOWN")));
    }

    private String activeUser() {
        String userId = "outcomes-" + UUID.randomUUID();
        QuarkusTransaction.requiringNew()
                .run(() -> users.applyStatus(userId, ScheduleStatus.ACTIVE, BASE.minus(Duration.ofDays(1))));
        return userId;
    }

    private void send(ArchiveOutcome outcome) {
        TestMessages.send(bootstrapServers, Topics.ARCHIVE_OUTCOMES, outcome.userId(), outcome);
    }

    private static Duration minutes(long minutes) {
        return Duration.ofMinutes(minutes);
    }
}
