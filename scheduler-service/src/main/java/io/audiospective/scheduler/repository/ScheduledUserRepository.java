package io.audiospective.scheduler.repository;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.audiospective.model.FailureKind;
import io.audiospective.scheduler.ExtraPollReason;
import io.audiospective.scheduler.ScheduleStatus;
import io.audiospective.scheduler.ScheduledUser;
import io.audiospective.scheduler.Slots.KeyRange;
import io.audiospective.support.MemberKey;
import io.audiospective.support.sql.Db;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class ScheduledUserRepository implements PanacheRepositoryBase<ScheduledUser, String> {

    private final Db db;

    ScheduledUserRepository(Db db) {
        this.db = db;
    }

    /** {@link #applyStatus(String, ScheduleStatus, Instant, Long)} of a status without a sequence, ordered by time. */
    public void applyStatus(String userId, ScheduleStatus status, Instant since) {
        applyStatus(userId, status, since, null);
    }

    /**
     * Records the user's status as of a lifecycle event, unless a later one is already stored: events of one user
     * arrive in order, but a replay, redelivery or re-drive may bring an old one again. Later means a higher
     * auth-service sequence when both have one ({@link io.audiospective.model.UserEvent#isAfter}), else a later time.
     * Becoming ACTIVE again (a re-authorisation) clears the failures that led to the old status. A deletion removes
     * the row (it holds the id) and leaves a tombstone under the member's {@link MemberKey} that orders what comes
     * after: an older event is ignored, a newer sign-up schedules the member afresh and drops the tombstone.
     */
    public void applyStatus(String userId, ScheduleStatus status, Instant since, Long sequence) {
        if (status == ScheduleStatus.DELETED) {
            delete(userId, since, sequence);
            return;
        }
        String memberKey = MemberKey.of(userId);
        boolean deletedLater = db.queryOne(
                        "SELECT 1 FROM deleted_members WHERE user_key = ? AND NOT %s FOR UPDATE"
                                .formatted(IS_AFTER.formatted("event_sequence", "deleted_at")),
                        rs -> true,
                        memberKey,
                        sequence,
                        sequence,
                        since)
                .isPresent();
        if (deletedLater) {
            return;
        }
        db.update(
                """
                INSERT INTO scheduled_users (user_id, status, status_since, event_sequence)
                VALUES (?, ?, ?, ?)
                ON CONFLICT (user_id) DO UPDATE
                    SET status = EXCLUDED.status, status_since = EXCLUDED.status_since,
                        event_sequence = EXCLUDED.event_sequence,
                        failure_kind = CASE WHEN EXCLUDED.status = 'ACTIVE' AND scheduled_users.status <> 'ACTIVE'
                                            THEN NULL ELSE scheduled_users.failure_kind END,
                        consecutive_failures = CASE WHEN EXCLUDED.status = 'ACTIVE' AND scheduled_users.status <> 'ACTIVE'
                                                    THEN 0 ELSE scheduled_users.consecutive_failures END,
                        backoff_until = CASE WHEN EXCLUDED.status = 'ACTIVE' AND scheduled_users.status <> 'ACTIVE'
                                             THEN NULL ELSE scheduled_users.backoff_until END
                    WHERE %s
                """.formatted(IS_AFTER.formatted("scheduled_users.event_sequence", "scheduled_users.status_since")),
                userId,
                status.name(),
                since,
                sequence,
                sequence,
                sequence,
                since);
        // the row orders the member's events again
        db.update("DELETE FROM deleted_members WHERE user_key = ?", memberKey);
    }

    /** When the member deleted their account; null when they did not, or signed up again since. */
    public Instant deletedAt(String userId) {
        return db.queryOne(
                        "SELECT deleted_at FROM deleted_members WHERE user_key = ?",
                        rs -> Db.instant(rs, "deleted_at"),
                        MemberKey.of(userId))
                .orElse(null);
    }

    private void delete(String userId, Instant since, Long sequence) {
        db.update(
                "DELETE FROM scheduled_users WHERE user_id = ? AND %s"
                        .formatted(IS_AFTER.formatted("event_sequence", "status_since")),
                userId,
                sequence,
                sequence,
                since);
        boolean signedUpAgain = db.queryOne("SELECT 1 FROM scheduled_users WHERE user_id = ?", rs -> true, userId)
                .isPresent();
        if (signedUpAgain) {
            // the member signed up again after this deletion (a re-delivered old event)
            return;
        }
        db.update(
                """
                INSERT INTO deleted_members (user_key, event_sequence, deleted_at) VALUES (?, ?, ?)
                ON CONFLICT (user_key) DO UPDATE SET event_sequence = EXCLUDED.event_sequence,
                    deleted_at = EXCLUDED.deleted_at
                    WHERE %s
                """.formatted(IS_AFTER.formatted("deleted_members.event_sequence", "deleted_members.deleted_at")),
                MemberKey.of(userId),
                sequence,
                since,
                sequence,
                sequence,
                since);
    }

    /**
     * SQL: an event is after what the columns ({@code %1$s} the sequence, {@code %2$s} the time) hold. Its parameters,
     * in order: the event's sequence (twice), then its time.
     */
    private static final String IS_AFTER = """
            (CASE WHEN CAST(? AS BIGINT) IS NOT NULL
                  THEN %1$s IS NULL OR %1$s < CAST(? AS BIGINT)
                  ELSE %1$s IS NULL AND %2$s <= ? END)""";

    /** The users known among {@code userIds}, locked for update in id order, by id. */
    public Map<String, ScheduledUser> lockAll(Collection<String> userIds) {
        Map<String, ScheduledUser> locked = new HashMap<>();
        find("userId in ?1 order by userId", userIds)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .list()
                .forEach(user -> locked.put(user.userId, user));
        return locked;
    }

    /**
     * Locks the rows of the users among {@code userIds} in id order, the order {@link #lockAll} takes them in: a
     * tick then writes a window's batches without taking a row lock out of that order, so it cannot deadlock with
     * an outcome applier writing some of the same users.
     */
    public void lockInIdOrder(Collection<String> userIds) {
        db.query(
                "SELECT user_id FROM scheduled_users WHERE user_id = ANY(?) ORDER BY user_id FOR NO KEY UPDATE",
                rs -> rs.getString(1),
                userIds);
    }

    /** Users that are not deleted and whose slot key is in the range: one index range scan. */
    public List<Candidate> inSlotRange(KeyRange keys) {
        return candidates("slot_key >= ? AND slot_key < ?", keys.fromInclusive(), keys.toExclusive());
    }

    /** Users that are not deleted and have an extra poll due before {@code until}. */
    public List<Candidate> extraPollsDueBefore(Instant until) {
        return candidates("extra_poll_at < ?", until);
    }

    private List<Candidate> candidates(String condition, Object... params) {
        return db.query(
                """
                SELECT user_id, slot_key, status, backoff_until, failure_kind, extra_poll_at, extra_poll_reason
                FROM scheduled_users
                WHERE status <> 'DELETED' AND %s
                ORDER BY slot_key
                """.formatted(condition),
                rs -> new Candidate(
                        rs.getString("user_id"),
                        rs.getLong("slot_key"),
                        ScheduleStatus.valueOf(rs.getString("status")),
                        Db.instant(rs, "backoff_until"),
                        rs.getString("failure_kind") == null ? null : FailureKind.valueOf(rs.getString("failure_kind")),
                        Db.instant(rs, "extra_poll_at"),
                        rs.getString("extra_poll_reason") == null
                                ? null
                                : ExtraPollReason.valueOf(rs.getString("extra_poll_reason"))),
                params);
    }

    /**
     * Records that the users were published in {@code batchId}; an extra poll due before {@code until} is thereby
     * done (a later one, set meanwhile by a fresh outcome, stays).
     */
    public void markPublished(Collection<String> userIds, String batchId, String reason, Instant at, Instant until) {
        db.update("""
                UPDATE scheduled_users
                SET last_published_at = ?, last_published_reason = ?, last_batch_id = ?,
                    extra_poll_reason = CASE WHEN extra_poll_at < ? THEN NULL ELSE extra_poll_reason END,
                    extra_poll_at = CASE WHEN extra_poll_at < ? THEN NULL ELSE extra_poll_at END
                WHERE user_id = ANY(?)
                """, at, reason, batchId, until, until, userIds);
    }

    /** Drops extra polls of users that cannot be polled (waiting for re-authorisation). */
    public void clearExtraPolls(Collection<String> userIds, Instant until) {
        db.update("""
                UPDATE scheduled_users SET extra_poll_at = NULL, extra_poll_reason = NULL
                WHERE user_id = ANY(?) AND extra_poll_at < ?
                """, userIds, until);
    }

    /** What the tick needs to know about a user that may be due. */
    public record Candidate(
            String userId,
            long slotKey,
            ScheduleStatus status,
            Instant backoffUntil,
            FailureKind failureKind,
            Instant extraPollAt,
            ExtraPollReason extraPollReason) {}
}
