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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.audiospective.model.ArchiveBatch;
import io.audiospective.model.ArchiveOutcome;
import io.audiospective.model.BatchReason;
import io.audiospective.model.Topics;
import io.audiospective.model.UserEventType;
import io.audiospective.scheduler.repository.ScheduledUserRepository;
import io.audiospective.scheduler.service.TickService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/** Extra polls for heavy listeners; users waiting for re-authorisation or deleted are not polled. */
@QuarkusTest
class HeavyListenersAndStatusTest {

    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Inject
    TickService ticks;

    @Inject
    ScheduledUserRepository users;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void aFullPageAGapOrLiveListeningSchedulesAnExtraPollTenMinutesLater() {
        Instant hour = Instant.parse("2031-05-01T09:00:00Z");
        record Signal(boolean fullPage, boolean gap, boolean listening) {}
        for (Signal signal : List.of(
                new Signal(true, false, false), new Signal(false, true, false), new Signal(false, false, true))) {
            String userId = register(hour.minus(Duration.ofDays(1)));
            Instant slot = Slots.slotInPeriodOf(slotKey(userId), hour, HOUR);
            Instant polledAt = slot.plus(Duration.ofMinutes(20));
            send(ArchiveOutcome.success(
                    "b", userId, slot, polledAt, 50, signal.fullPage(), signal.gap(), signal.listening()));
            Instant extra = polledAt.plus(Duration.ofMinutes(10));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> asAdmin()
                            .when()
                            .get("/admin/users/{id}/schedule", userId)
                            .then()
                            .statusCode(200)
                            .body("extraPollAt", equalTo(extra.toString()))
                            .body("extraPollReason", equalTo("HEAVY_LISTENER")));

            SchedulerInstance instance = new SchedulerInstance("heavy-test", "lane-" + UUID.randomUUID());
            try (BatchesTopic topic = new BatchesTopic(bootstrapServers)) {
                Instant window = Slots.floor(extra, MINUTE);
                ticks.tick(instance, window);
                List<ArchiveBatch> batches =
                        ticks.tick(instance, window.plus(MINUTE)).windows().get(0).batches().stream()
                                .filter(batch -> batch.userIds().contains(userId))
                                .toList();

                assertThat(batches).singleElement().satisfies(batch -> {
                    assertThat(batch.reason()).isEqualTo(BatchReason.HEAVY_LISTENER);
                    assertThat(batch.batchId()).contains(":extra-heavy_listener:");
                });
                String id = batches.get(0).batchId();
                topic.awaitBatches(batch -> batch.batchId().equals(id), found -> found.size() == 1);
            }
            asAdmin()
                    .when()
                    .get("/admin/users/{id}/schedule", userId)
                    .then()
                    .statusCode(200)
                    .body("extraPollAt", nullValue())
                    .body("lastPublishedReason", equalTo("HEAVY_LISTENER"));

            // Still listening after the extra poll: another one; a quiet poll ends them.
            Instant secondPoll = extra.plusSeconds(40);
            send(ArchiveOutcome.success("b", userId, extra, secondPoll, 12, false, false, true));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> asAdmin()
                            .when()
                            .get("/admin/users/{id}/schedule", userId)
                            .then()
                            .body(
                                    "extraPollAt",
                                    equalTo(secondPoll
                                            .plus(Duration.ofMinutes(10))
                                            .toString())));
            Instant quiet = secondPoll.plus(Duration.ofMinutes(10)).plusSeconds(40);
            send(ArchiveOutcome.success("b", userId, extra, quiet, 0, false, false, false));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> asAdmin()
                            .when()
                            .get("/admin/users/{id}/schedule", userId)
                            .then()
                            .body("lastOutcomeAt", equalTo(quiet.toString()))
                            .body("extraPollAt", nullValue()));
        }
    }

    @Test
    void usersWaitingForReauthorisationAndDeletedUsersAreNotPolled() {
        Instant hour = Instant.parse("2031-05-02T09:00:00Z");
        Instant registered = hour.minus(Duration.ofDays(2));
        String active = "status-" + UUID.randomUUID();
        String reauth = "status-" + UUID.randomUUID();
        String deleted = "status-" + UUID.randomUUID();
        for (String userId : List.of(active, reauth, deleted)) {
            TestMessages.userEvent(bootstrapServers, userId, UserEventType.REGISTERED, registered);
        }
        TestMessages.userEvent(bootstrapServers, reauth, UserEventType.NEEDS_REAUTH, registered.plusSeconds(60));
        TestMessages.userEvent(bootstrapServers, deleted, UserEventType.DELETED, registered.plusSeconds(60));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            asAdmin().when().get("/admin/users/{id}/schedule", active).then().body("status", equalTo("ACTIVE"));
            asAdmin()
                    .when()
                    .get("/admin/users/{id}/schedule", reauth)
                    .then()
                    .body("status", equalTo("NEEDS_REAUTH"))
                    .body("nextPoll", nullValue());
            asAdmin()
                    .when()
                    .get("/admin/users/{id}/schedule", deleted)
                    .then()
                    .body("status", equalTo("DELETED"))
                    .body("nextPoll", nullValue());
        });

        SchedulerInstance instance = new SchedulerInstance("status-test", "lane-" + UUID.randomUUID());
        List<WindowResult> windows = new ArrayList<>();
        try (BatchesTopic topic = new BatchesTopic(bootstrapServers)) {
            ticks.tick(instance, hour);
            for (int minute = 1; minute <= 60; minute++) {
                windows.addAll(ticks.tick(instance, hour.plus(Duration.ofMinutes(minute)))
                        .windows());
            }
            List<String> published = windows.stream()
                    .flatMap(window -> window.batches().stream())
                    .flatMap(batch -> batch.userIds().stream())
                    .toList();
            assertThat(published).containsOnlyOnce(active).doesNotContain(reauth, deleted);

            Instant reauthSlot = Slots.slotInPeriodOf(slotKey(reauth), hour, HOUR);
            WindowResult reauthWindow = windows.stream()
                    .filter(window ->
                            !window.start().isAfter(reauthSlot) && window.end().isAfter(reauthSlot))
                    .findFirst()
                    .orElseThrow();
            assertThat(reauthWindow.skipped()).containsKey("needs_reauth");

            String lane = instance.lane() + ":";
            List<String> onKafka = topic
                    .awaitBatches(
                            batch -> batch.batchId().startsWith(lane),
                            found -> found.stream()
                                    .anyMatch(keyed -> keyed.batch().userIds().contains(active)))
                    .stream()
                    .flatMap(keyed -> keyed.batch().userIds().stream())
                    .toList();
            assertThat(onKafka).containsOnlyOnce(active).doesNotContain(reauth, deleted);

            // Re-authorised: polled again from their next slot on.
            TestMessages.userEvent(bootstrapServers, reauth, UserEventType.REAUTHORIZED, registered.plusSeconds(120));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> asAdmin()
                            .when()
                            .get("/admin/users/{id}/schedule", reauth)
                            .then()
                            .body("status", equalTo("ACTIVE")));
            Instant nextWindowEnd = Slots.floor(reauthSlot.plus(HOUR), MINUTE).plus(MINUTE);
            List<WindowResult> nextHour = new ArrayList<>();
            for (Instant now = hour.plus(HOUR).plus(MINUTE); !now.isAfter(nextWindowEnd); now = now.plus(MINUTE)) {
                nextHour.addAll(ticks.tick(instance, now).windows());
            }
            assertThat(nextHour.stream()
                            .flatMap(window -> window.batches().stream())
                            .flatMap(batch -> batch.userIds().stream()))
                    .contains(reauth)
                    .doesNotContain(deleted);
        }
        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("scheduler_users_skipped_total{reason=\"needs_reauth\"}"))
                .body(containsString("scheduler_users_published_total{reason=\"SCHEDULED\"}"))
                .body(containsString("scheduler_batches_published_total{reason=\"SCHEDULED\"}"))
                .body(containsString("scheduler_users_due_total{kind=\"slot\"}"))
                .body(containsString("scheduler_publish_lag_seconds_count"));
    }

    private String register(Instant at) {
        String userId = "heavy-" + UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> users.applyStatus(userId, ScheduleStatus.ACTIVE, at));
        return userId;
    }

    private long slotKey(String userId) {
        return QuarkusTransaction.requiringNew().call(() -> users.findById(userId).slotKey);
    }

    private void send(ArchiveOutcome outcome) {
        TestMessages.send(bootstrapServers, Topics.ARCHIVE_OUTCOMES, outcome.userId(), outcome);
    }
}
