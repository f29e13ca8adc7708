package io.audiospective.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.audiospective.model.ArchiveBatch;
import io.audiospective.model.BatchReason;
import io.audiospective.scheduler.config.SchedulerConfig;
import io.audiospective.scheduler.repository.ScheduledUserRepository;
import io.audiospective.scheduler.service.TickService;
import io.audiospective.support.sql.Db;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A tick and an outcome applier write the same members' rows; both take them in id order, so neither can hold a
 * member the other has while it waits for one the other holds (a deadlock PostgreSQL would break by failing one).
 */
@QuarkusTest
class TickLockOrderTest {

    @Inject
    TickService ticks;

    @Inject
    ScheduledUserRepository users;

    @Inject
    SchedulerConfig config;

    @Inject
    Db db;

    private final String prefix = "lock-order-" + UUID.randomUUID() + "-";

    @AfterEach
    void removeUsers() {
        QuarkusTransaction.requiringNew()
                .run(() -> db.update("DELETE FROM scheduled_users WHERE user_id LIKE ?", prefix + "%"));
    }

    @Test
    void aTickWaitingForOneMembersRowHoldsNoMemberWithAHigherId() throws Exception {
        // Published in the window's first batch (its slot) and in a later one (an extra poll), in that order.
        String dueBySlot = prefix + "z";
        String dueByExtraPoll = prefix + "a";
        Instant windowStart = Instant.parse("2032-03-04T05:06:00Z");
        Instant windowEnd = windowStart.plus(config.windowLength());
        Duration period = config.pollingPeriod();
        QuarkusTransaction.requiringNew().run(() -> {
            users.applyStatus(dueBySlot, ScheduleStatus.ACTIVE, windowStart.minus(Duration.ofDays(1)));
            users.applyStatus(dueByExtraPoll, ScheduleStatus.ACTIVE, windowStart.minus(Duration.ofDays(1)));
            db.update(
                    "UPDATE scheduled_users SET slot_key = ? WHERE user_id = ?",
                    Slots.keysDueIn(windowStart, windowEnd, period).fromInclusive(),
                    dueBySlot);
            Instant halfAPeriodLater = windowStart.plus(period.dividedBy(2));
            db.update(
                    """
                    UPDATE scheduled_users SET slot_key = ?, extra_poll_at = ?, extra_poll_reason = 'HEAVY_LISTENER'
                    WHERE user_id = ?
                    """,
                    Slots.keysDueIn(halfAPeriodLater, halfAPeriodLater.plus(config.windowLength()), period)
                            .fromInclusive(),
                    windowStart,
                    dueByExtraPoll);
        });
        SchedulerInstance replica = new SchedulerInstance("replica-a", "lane-" + UUID.randomUUID());

        CompletableFuture<TickReport> tick;
        try (Connection outcomeApplier = db.dataSource().getConnection()) {
            outcomeApplier.setAutoCommit(false);
            assertThat(lock(outcomeApplier, dueByExtraPoll, false)).isTrue();

            tick = CompletableFuture.supplyAsync(() -> ticks.tick(replica, windowEnd));
            int applierPid = PostgresSessions.backendPid(outcomeApplier);
            await().atMost(Duration.ofSeconds(30)).until(() -> waitersOn(applierPid) > 0);

            try (Connection probe = db.dataSource().getConnection()) {
                probe.setAutoCommit(false);
                assertThat(lock(probe, dueBySlot, true))
                        .as("the waiting tick leaves the member with the higher id free")
                        .isTrue();
                probe.rollback();
            }
            outcomeApplier.rollback();
        }

        TickReport report = tick.get(60, TimeUnit.SECONDS);
        assertThat(report.windows()).hasSize(1);
        List<String> published = report.windows().get(0).batches().stream()
                .flatMap(batch -> batch.userIds().stream())
                .toList();
        assertThat(published).contains(dueBySlot, dueByExtraPoll);
        assertThat(report.windows().get(0).batches())
                .extracting(ArchiveBatch::reason)
                .contains(BatchReason.SCHEDULED, BatchReason.HEAVY_LISTENER);
    }

    /** Locks the member's row as an UPDATE of it would; with {@code nowait}, false instead of waiting. */
    private static boolean lock(Connection connection, String userId, boolean nowait) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT 1 FROM scheduled_users WHERE user_id = ? FOR NO KEY UPDATE" + (nowait ? " NOWAIT" : ""))) {
            select.setString(1, userId);
            try (ResultSet row = select.executeQuery()) {
                return row.next();
            }
        } catch (SQLException e) {
            if ("55P03".equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    private int waitersOn(int pid) {
        return db.queryOne(
                        "SELECT count(*) FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))",
                        rs -> rs.getInt(1),
                        pid)
                .orElse(0);
    }
}
