package io.audiospective.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.audiospective.model.ArchiveBatch;
import io.audiospective.model.BatchReason;
import io.audiospective.scheduler.repository.ScheduledUserRepository;
import io.audiospective.scheduler.service.TickService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/** 10,000 users, one simulated hour, real PostgreSQL and Kafka. */
@QuarkusTest
class SimulatedHourTest {

    private static final Logger LOG = Logger.getLogger(SimulatedHourTest.class);
    private static final int USERS = 10_000;
    private static final Instant HOUR = Instant.parse("2031-01-06T10:00:00Z");

    @Inject
    TickService ticks;

    @Inject
    ScheduledUserRepository users;

    @Inject
    EntityManager em;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private final String prefix = "hour-" + UUID.randomUUID() + "-";

    @AfterEach
    void removeTheseUsers() {
        // Later tests tick other lanes over the same table: 10,000 extra users would only slow them down.
        QuarkusTransaction.requiringNew()
                .run(() -> em.createNativeQuery("DELETE FROM scheduled_users WHERE user_id LIKE :prefix")
                        .setParameter("prefix", prefix + "%")
                        .executeUpdate());
    }

    @Test
    void oneSimulatedHourPublishesEachUserExactlyOnceInSmallEvenBatches() {
        Set<String> mine = new HashSet<>();
        for (int chunk = 0; chunk < 10; chunk++) {
            int first = chunk * (USERS / 10);
            QuarkusTransaction.requiringNew().run(() -> {
                for (int i = first; i < first + USERS / 10; i++) {
                    users.applyStatus(prefix + i, ScheduleStatus.ACTIVE, HOUR.minus(Duration.ofDays(1)));
                }
            });
        }
        for (int i = 0; i < USERS; i++) {
            mine.add(prefix + i);
        }
        SchedulerInstance instance = new SchedulerInstance("hour-test", "lane-" + UUID.randomUUID());

        try (BatchesTopic topic = new BatchesTopic(bootstrapServers)) {
            // The lane's first tick publishes only the window that just ended (10:59-11:00 of the hour before).
            ticks.tick(instance, HOUR);
            long started = System.nanoTime();
            List<WindowResult> windows = new ArrayList<>();
            for (int minute = 1; minute <= 60; minute++) {
                TickReport report = ticks.tick(
                        instance, HOUR.plus(Duration.ofMinutes(minute)).plusSeconds(3));
                assertThat(report.status()).isEqualTo(TickReport.Status.UP_TO_DATE);
                assertThat(report.windows()).hasSize(1);
                windows.addAll(report.windows());
            }
            Duration tickTime = Duration.ofNanos(System.nanoTime() - started);

            List<BatchesTopic.Keyed> published = topic.awaitBatches(
                    batch -> batch.batchId().startsWith(instance.lane() + ":")
                            && !batch.scheduledFor().isBefore(HOUR),
                    batches -> batches.stream()
                                    .mapToLong(keyed -> keyed.batch().userIds().stream()
                                            .filter(mine::contains)
                                            .count())
                                    .sum()
                            >= USERS);

            Map<String, Integer> timesPublished = new HashMap<>();
            Map<Instant, Integer> perMinute = new TreeMap<>();
            for (BatchesTopic.Keyed keyed : published) {
                ArchiveBatch batch = keyed.batch();
                assertThat(keyed.key()).isEqualTo(batch.batchId());
                assertThat(batch.userIds()).hasSizeLessThanOrEqualTo(50);
                assertThat(batch.reason()).isEqualTo(BatchReason.SCHEDULED);
                assertThat(batch.scheduledFor()).isBefore(HOUR.plus(Duration.ofHours(1)));
                for (String userId : batch.userIds()) {
                    if (mine.contains(userId)) {
                        timesPublished.merge(userId, 1, Integer::sum);
                        perMinute.merge(batch.scheduledFor(), 1, Integer::sum);
                    }
                }
            }
            assertThat(timesPublished).hasSize(USERS);
            assertThat(timesPublished.values()).allMatch(times -> times == 1);
            assertThat(perMinute).hasSize(60);
            double average = USERS / 60.0;
            int busiest = perMinute.values().stream()
                    .mapToInt(Integer::intValue)
                    .max()
                    .orElseThrow();
            int quietest = perMinute.values().stream()
                    .mapToInt(Integer::intValue)
                    .min()
                    .orElseThrow();
            assertThat(busiest).isLessThanOrEqualTo((int) Math.floor(average * 1.10));
            assertThat(windows)
                    .allSatisfy(window -> assertThat(window.slotReason()).isEqualTo(BatchReason.SCHEDULED));

            LOG.infof(
                    "10k users, one simulated hour: busiest minute %d users, quietest %d, average %.1f "
                            + "(busiest +%.1f%%); %d batches on Kafka; 60 ticks took %d ms",
                    busiest, quietest, average, (busiest / average - 1) * 100, published.size(), tickTime.toMillis());
        }
    }
}
