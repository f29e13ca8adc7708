package io.audiospective.scheduler.repository;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/** The per-lane watermark and the record of published windows. */
@ApplicationScoped
public class SchedulerStateRepository {

    @Inject
    EntityManager em;

    /** Creates the lane's state row if missing (no watermark yet). */
    public void ensureLane(String lane) {
        em.createNativeQuery("INSERT INTO scheduler_state (lane) VALUES (:lane) ON CONFLICT (lane) DO NOTHING")
                .setParameter("lane", lane)
                .executeUpdate();
    }

    /**
     * Locks the lane's row for the rest of the transaction, or returns empty at once when another replica holds
     * it. A PostgreSQL session that stays idle inside the transaction longer than {@code idleTimeout} is ended by
     * the server, so a hung replica cannot keep the lane.
     */
    @SuppressWarnings("unchecked")
    public Optional<LaneState> lock(String lane, Duration idleTimeout) {
        em.createNativeQuery("SELECT set_config('idle_in_transaction_session_timeout', :timeout, true)")
                .setParameter("timeout", idleTimeout.toMillis() + "ms")
                .getSingleResult();
        List<Object[]> rows =
                em.createNativeQuery("""
                SELECT published_until, last_tick_at, last_tick_by FROM scheduler_state
                WHERE lane = :lane FOR UPDATE SKIP LOCKED
                """).setParameter("lane", lane).getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] row = rows.get(0);
        return Optional.of(new LaneState(
                lane, ScheduledUserRepository.instant(row[0]), ScheduledUserRepository.instant(row[1]), (String)
                        row[2]));
    }

    /** Reads the lane without locking, for the admin view. */
    @SuppressWarnings("unchecked")
    public Optional<LaneState> find(String lane) {
        List<Object[]> rows = em.createNativeQuery(
                        "SELECT published_until, last_tick_at, last_tick_by FROM scheduler_state WHERE lane = :lane")
                .setParameter("lane", lane)
                .getResultList();
        return rows.stream()
                .findFirst()
                .map(row -> new LaneState(
                        lane, ScheduledUserRepository.instant(row[0]), ScheduledUserRepository.instant(row[1]), (String)
                                row[2]));
    }

    /** Must run in the transaction that locked the lane. */
    public void recordTick(String lane, Instant publishedUntil, Instant at, String instanceId) {
        em.createNativeQuery("""
                UPDATE scheduler_state SET published_until = :until, last_tick_at = :at, last_tick_by = :by
                WHERE lane = :lane
                """)
                .setParameter("until", publishedUntil == null ? null : Timestamp.from(publishedUntil))
                .setParameter("at", Timestamp.from(at))
                .setParameter("by", instanceId)
                .setParameter("lane", lane)
                .executeUpdate();
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
        em.createNativeQuery("""
                INSERT INTO published_windows
                    (lane, window_start, window_end, reason, users, batches, published_at, published_by)
                VALUES (:lane, :start, :end, :reason, :users, :batches, :at, :by)
                """)
                .setParameter("lane", lane)
                .setParameter("start", Timestamp.from(start))
                .setParameter("end", Timestamp.from(end))
                .setParameter("reason", reason)
                .setParameter("users", users)
                .setParameter("batches", batches)
                .setParameter("at", Timestamp.from(at))
                .setParameter("by", instanceId)
                .executeUpdate();
    }

    /** Published-window records older than {@code before} are only history; keeps the table small. */
    public int pruneWindows(String lane, Instant before) {
        return em.createNativeQuery("DELETE FROM published_windows WHERE lane = :lane AND window_start < :before")
                .setParameter("lane", lane)
                .setParameter("before", Timestamp.from(before))
                .executeUpdate();
    }

    public record LaneState(String lane, Instant publishedUntil, Instant lastTickAt, String lastTickBy) {}
}
