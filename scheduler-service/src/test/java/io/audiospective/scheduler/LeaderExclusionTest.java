package io.audiospective.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.audiospective.model.ArchiveBatch;
import io.audiospective.model.BatchReason;
import io.audiospective.scheduler.repository.ScheduledUserRepository;
import io.audiospective.scheduler.service.TickService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Several replicas of the scheduler. A second Quarkus application in one test JVM is impractical, so the replicas
 * are two {@link SchedulerInstance}s (own identity, same lane) ticking the real {@link TickService} from their own
 * threads, each tick in its own PostgreSQL transactions, against the same database and Kafka broker: the lane
 * lock and the watermark are exercised exactly as between two pods.
 */
@QuarkusTest
class LeaderExclusionTest {

    private static final Logger LOG = Logger.getLogger(LeaderExclusionTest.class);
    private static final int USERS = 600;

    @Inject
    TickService ticks;

    @Inject
    ScheduledUserRepository users;

    @Inject
    EntityManager em;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    String dbUser;

    private final String prefix = "replicas-" + UUID.randomUUID() + "-";
    private final Set<String> mine = new HashSet<>();

    @BeforeEach
    void registerUsers() {
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < USERS; i++) {
                users.applyStatus(prefix + i, ScheduleStatus.ACTIVE, Instant.parse("2031-01-01T00:00:00Z"));
                mine.add(prefix + i);
            }
        });
    }

    @AfterEach
    void removeUsers() {
        QuarkusTransaction.requiringNew()
                .run(() -> em.createNativeQuery("DELETE FROM scheduled_users WHERE user_id LIKE :prefix")
                        .setParameter("prefix", prefix + "%")
                        .executeUpdate());
    }

    @Test
    void twoReplicasTickingAtTheSameMomentNeverPublishAUserTwice() throws Exception {
        String lane = "lane-" + UUID.randomUUID();
        SchedulerInstance a = new SchedulerInstance("replica-a", lane);
        SchedulerInstance b = new SchedulerInstance("replica-b", lane);
        Instant hour = Instant.parse("2031-02-03T04:00:00Z");
        ExecutorService threads = Executors.newFixedThreadPool(2);
        int busy = 0;
        Map<String, Integer> windowsBy = new HashMap<>();
        try (BatchesTopic topic = new BatchesTopic(bootstrapServers)) {
            ticks.tick(a, hour);
            for (int minute = 1; minute <= 60; minute++) {
                Instant now = hour.plus(Duration.ofMinutes(minute));
                CountDownLatch start = new CountDownLatch(1);
                Future<TickReport> byA = threads.submit(() -> {
                    start.await();
                    return ticks.tick(a, now);
                });
                Future<TickReport> byB = threads.submit(() -> {
                    start.await();
                    return ticks.tick(b, now);
                });
                start.countDown();
                List<WindowResult> windows = new ArrayList<>(byA.get().windows());
                windows.addAll(byB.get().windows());

                assertThat(windows).as("windows published at minute %d", minute).hasSize(1);
                assertThat(windows.get(0).start()).isEqualTo(now.minus(Duration.ofMinutes(1)));
                windowsBy.merge(windows.get(0).publishedBy(), 1, Integer::sum);
                busy += byA.get().status() == TickReport.Status.LANE_BUSY ? 1 : 0;
                busy += byB.get().status() == TickReport.Status.LANE_BUSY ? 1 : 0;
            }

            assertEachOfMineExactlyOnce(topic, lane, hour);
        } finally {
            threads.shutdownNow();
        }
        LOG.infof(
                "Two replicas, 60 simultaneous ticks: windows published by %s; a replica found the lane "
                        + "locked %d times",
                windowsBy, busy);
    }

    @Test
    void whenTheLeaderDiesMidWindowTheOtherReplicaTakesOverWithoutSkippingOrRepeating() throws Exception {
        String lane = "lane-" + UUID.randomUUID();
        SchedulerInstance a = new SchedulerInstance("replica-a", lane);
        SchedulerInstance b = new SchedulerInstance("replica-b", lane);
        Instant hour = Instant.parse("2031-02-03T05:00:00Z");
        try (BatchesTopic topic = new BatchesTopic(bootstrapServers)) {
            for (int minute = 0; minute <= 29; minute++) {
                ticks.tick(a, hour.plus(Duration.ofMinutes(minute)));
            }

            // At 05:30 replica A is inside its transaction for the 05:29 window, holding the lane, when it dies.
            try (Connection dyingLeader = connect()) {
                dyingLeader.setAutoCommit(false);
                try (PreparedStatement lock = dyingLeader.prepareStatement(
                        "SELECT published_until FROM scheduler.scheduler_state WHERE lane = ? FOR UPDATE")) {
                    lock.setString(1, lane);
                    lock.executeQuery().close();
                }
                TickReport whileLocked = ticks.tick(b, hour.plus(Duration.ofMinutes(30)));
                assertThat(whileLocked.status()).isEqualTo(TickReport.Status.LANE_BUSY);
                assertThat(whileLocked.windows()).isEmpty();

                int pid = PostgresSessions.backendPid(dyingLeader);
                terminate(pid);
                await().atMost(Duration.ofSeconds(10)).until(() -> !sessionAlive(pid));
            }

            TickReport takeover = ticks.tick(b, hour.plus(Duration.ofMinutes(31)));
            assertThat(takeover.windows())
                    .extracting(WindowResult::start, WindowResult::slotReason)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(
                                    hour.plus(Duration.ofMinutes(29)), BatchReason.CATCH_UP),
                            org.assertj.core.groups.Tuple.tuple(
                                    hour.plus(Duration.ofMinutes(30)), BatchReason.SCHEDULED));
            for (int minute = 32; minute <= 60; minute++) {
                assertThat(ticks.tick(b, hour.plus(Duration.ofMinutes(minute))).windows())
                        .hasSize(1);
            }

            List<Object[]> windows = QuarkusTransaction.requiringNew()
                    .call(() -> em.createNativeQuery("""
                    SELECT window_start, published_by FROM published_windows
                    WHERE lane = :lane AND window_start >= :from ORDER BY window_start
                    """)
                            .setParameter("lane", lane)
                            .setParameter("from", java.sql.Timestamp.from(hour))
                            .getResultList());
            assertThat(windows).hasSize(60);
            for (int minute = 0; minute < 60; minute++) {
                Object[] row = windows.get(minute);
                assertThat((Instant) row[0]).isEqualTo(hour.plus(Duration.ofMinutes(minute)));
                assertThat(row[1]).isEqualTo(minute < 29 ? "replica-a" : "replica-b");
            }
            assertEachOfMineExactlyOnce(topic, lane, hour);
        }
    }

    @Test
    void anOutageLongerThanAPeriodCatchesUpEachUserOnceSpreadOverSeveralTicks() {
        String lane = "lane-" + UUID.randomUUID();
        SchedulerInstance a = new SchedulerInstance("replica-a", lane);
        Instant before = Instant.parse("2031-02-03T06:00:00Z");
        Instant back = before.plus(Duration.ofHours(3)).plusSeconds(20);
        Instant hour = before.plus(Duration.ofHours(2));
        try (BatchesTopic topic = new BatchesTopic(bootstrapServers)) {
            ticks.tick(a, before);

            List<TickReport> catchUp = new ArrayList<>();
            TickReport report;
            do {
                report = ticks.tick(a, back);
                catchUp.add(report);
            } while (report.status() == TickReport.Status.WINDOW_LIMIT);

            List<WindowResult> windows =
                    catchUp.stream().flatMap(tick -> tick.windows().stream()).toList();
            // 15 windows per tick: the hour comes out over four ticks, the fifth finds nothing left.
            assertThat(catchUp).extracting(tick -> tick.windows().size()).containsExactly(15, 15, 15, 15, 0);
            assertThat(windows).hasSize(60);
            assertThat(windows.get(0).start()).isEqualTo(hour);
            assertThat(windows.subList(0, 59))
                    .allSatisfy(window -> assertThat(window.slotReason()).isEqualTo(BatchReason.CATCH_UP));
            assertThat(windows.get(59).slotReason()).isEqualTo(BatchReason.SCHEDULED);
            assertThat(ticks.tick(a, back).windows()).isEmpty();

            assertEachOfMineExactlyOnce(topic, lane, hour);
        }
    }

    private void assertEachOfMineExactlyOnce(BatchesTopic topic, String lane, Instant hour) {
        List<BatchesTopic.Keyed> published = topic.awaitBatches(
                batch -> batch.batchId().startsWith(lane + ":")
                        && !batch.scheduledFor().isBefore(hour),
                batches -> count(batches) >= USERS);
        Map<String, Integer> times = new HashMap<>();
        for (BatchesTopic.Keyed keyed : published) {
            ArchiveBatch batch = keyed.batch();
            assertThat(batch.userIds()).hasSizeLessThanOrEqualTo(50);
            batch.userIds().stream().filter(mine::contains).forEach(id -> times.merge(id, 1, Integer::sum));
        }
        assertThat(times).hasSize(USERS);
        assertThat(times.values()).allMatch(n -> n == 1);
    }

    private long count(List<BatchesTopic.Keyed> batches) {
        return batches.stream()
                .mapToLong(keyed ->
                        keyed.batch().userIds().stream().filter(mine::contains).count())
                .sum();
    }

    private Connection connect() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", dbUser);
        String password = System.getenv("DB_PASSWORD");
        properties.setProperty("password", password == null ? "" : password);
        return DriverManager.getConnection(jdbcUrl, properties);
    }

    private boolean sessionAlive(int pid) throws SQLException {
        try (Connection admin = connect();
                PreparedStatement query =
                        admin.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ?")) {
            query.setInt(1, pid);
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return result.getInt(1) > 0;
            }
        }
    }

    /** What PostgreSQL does when a replica's process or node dies: the session ends and its lock is gone. */
    private void terminate(int pid) throws SQLException {
        try (Connection admin = connect();
                PreparedStatement kill = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
            kill.setInt(1, pid);
            kill.executeQuery().close();
        }
    }
}
