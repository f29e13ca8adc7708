package io.audiospective.scheduler.repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.support.sql.Db;

/** The per-lane watermark and the record of published windows. */
@ApplicationScoped
public class SchedulerStateRepository {

    private final Db db;

    SchedulerStateRepository(Db db) {
        this.db = db;
    }

    /** Creates the lane's state row if missing (no watermark yet). */
    public void ensureLane(String lane) {
        db.update("INSERT INTO scheduler_state (lane) VALUES (?) ON CONFLICT (lane) DO NOTHING", lane);
    }

    /**
     * Locks the lane's row for the rest of the transaction, or returns empty at once when another replica holds
     * it. A PostgreSQL session that stays idle inside the transaction longer than {@code idleTimeout} is ended by
     * the server, so a hung replica cannot keep the lane.
     */
    public Optional<LaneState> lock(String lane, Duration idleTimeout) {
        db.queryOne(
                "SELECT set_config('idle_in_transaction_session_timeout', ?, true)",
                rs -> rs.getString(1),
                idleTimeout.toMillis() + "ms");
        return db.queryOne("""
                SELECT lane, published_until, last_tick_at, last_tick_by FROM scheduler_state
                WHERE lane = ? FOR UPDATE SKIP LOCKED
                """, SchedulerStateRepository::laneState, lane);
    }

    /** Reads the lane without locking, for the admin view. */
    public Optional<LaneState> find(String lane) {
        return db.queryOne(
                "SELECT lane, published_until, last_tick_at, last_tick_by FROM scheduler_state WHERE lane = ?",
                SchedulerStateRepository::laneState,
                lane);
    }

    private static LaneState laneState(ResultSet rs) throws SQLException {
        return new LaneState(
                rs.getString("lane"),
                Db.instant(rs, "published_until"),
                Db.instant(rs, "last_tick_at"),
                rs.getString("last_tick_by"));
    }

    /** Must run in the transaction that locked the lane. */
    public void recordTick(String lane, Instant publishedUntil, Instant at, String instanceId) {
        db.update(
                "UPDATE scheduler_state SET published_until = ?, last_tick_at = ?, last_tick_by = ? WHERE lane = ?",
                publishedUntil,
                at,
                instanceId,
                lane);
    }

    /** Must run in the transaction that locked the lane; refuses a window published before. */
    public void recordWindow(
            String lane,
            Instant start,
            Instant end,
            String reason,
            int users,
            int batches,
            Instant at,
            String instanceId) {
        db.update("""
                INSERT INTO published_windows
                    (lane, window_start, window_end, reason, users, batches, published_at, published_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, lane, start, end, reason, users, batches, at, instanceId);
    }

    /** Published-window records older than {@code before} are only history; keeps the table small. */
    public int pruneWindows(String lane, Instant before) {
        return db.update("DELETE FROM published_windows WHERE lane = ? AND window_start < ?", lane, before);
    }

    public record LaneState(String lane, Instant publishedUntil, Instant lastTickAt, String lastTickBy) {}
}
