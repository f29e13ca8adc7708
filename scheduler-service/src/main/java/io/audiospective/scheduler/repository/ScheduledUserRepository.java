package io.audiospective.scheduler.repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.hibernate.query.TypedParameterValue;
import org.hibernate.type.StandardBasicTypes;

import io.audiospective.model.FailureKind;
import io.audiospective.scheduler.ExtraPollReason;
import io.audiospective.scheduler.ScheduleStatus;
import io.audiospective.scheduler.ScheduledUser;
import io.audiospective.scheduler.Slots.KeyRange;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class ScheduledUserRepository implements PanacheRepositoryBase<ScheduledUser, String> {

    /** {@link #applyStatus(String, ScheduleStatus, Instant, Long)} of a status without a sequence, ordered by time. */
    public void applyStatus(String userId, ScheduleStatus status, Instant since) {
        applyStatus(userId, status, since, null);
    }

    /**
     * Records the user's status as of a lifecycle event, unless a later one is already stored: events of one user
     * arrive in order, but a replay, redelivery or re-drive may bring an old one again. Later means a higher
     * auth-service sequence when both have one ({@link io.audiospective.model.UserEvent#isAfter}), else a later time.
     * Becoming ACTIVE again (a re-authorisation) clears the failures that led to the old status; a deleted user keeps
     * nothing but the row that stops them being polled.
     */
    public void applyStatus(String userId, ScheduleStatus status, Instant since, Long sequence) {
        getEntityManager().createNativeQuery("""
                INSERT INTO scheduled_users (user_id, status, status_since, event_sequence)
                VALUES (:userId, :status, :since, :sequence)
                ON CONFLICT (user_id) DO UPDATE
                    SET status = EXCLUDED.status, status_since = EXCLUDED.status_since,
                        event_sequence = EXCLUDED.event_sequence,
                        failure_kind = CASE WHEN EXCLUDED.status = 'ACTIVE' AND scheduled_users.status <> 'ACTIVE'
                                            OR EXCLUDED.status = 'DELETED'
                                            THEN NULL ELSE scheduled_users.failure_kind END,
                        consecutive_failures = CASE WHEN EXCLUDED.status = 'ACTIVE' AND scheduled_users.status <> 'ACTIVE'
                                                    OR EXCLUDED.status = 'DELETED'
                                                    THEN 0 ELSE scheduled_users.consecutive_failures END,
                        backoff_until = CASE WHEN EXCLUDED.status = 'ACTIVE' AND scheduled_users.status <> 'ACTIVE'
                                             OR EXCLUDED.status = 'DELETED'
                                             THEN NULL ELSE scheduled_users.backoff_until END,
                        last_failure_detail = CASE WHEN EXCLUDED.status = 'DELETED' THEN NULL
                                                   ELSE scheduled_users.last_failure_detail END
                    WHERE CASE WHEN EXCLUDED.event_sequence IS NOT NULL
                               THEN scheduled_users.event_sequence IS NULL
                                    OR scheduled_users.event_sequence < EXCLUDED.event_sequence
                               ELSE scheduled_users.event_sequence IS NULL
                                    AND scheduled_users.status_since <= EXCLUDED.status_since END
                """)
                .setParameter("userId", userId)
                .setParameter("status", status.name())
                .setParameter("since", Timestamp.from(since))
                .setParameter("sequence", new TypedParameterValue<>(StandardBasicTypes.LONG, sequence))
                .executeUpdate();
    }

    /** The users known among {@code userIds}, locked for update in id order, by id. */
    public Map<String, ScheduledUser> lockAll(Collection<String> userIds) {
        Map<String, ScheduledUser> locked = new HashMap<>();
        find("userId in ?1 order by userId", userIds).withLock(LockModeType.PESSIMISTIC_WRITE).list()
                .forEach(user -> locked.put(user.userId, user));
        return locked;
    }

    /** Users that are not deleted and whose slot key is in the range: one index range scan. */
    public List<Candidate> inSlotRange(KeyRange keys) {
        return candidates("slot_key >= :from AND slot_key < :to", keys.fromInclusive(), keys.toExclusive(), null);
    }

    /** Users that are not deleted and have an extra poll due before {@code until}. */
    public List<Candidate> extraPollsDueBefore(Instant until) {
        return candidates("extra_poll_at < :until", null, null, until);
    }

    @SuppressWarnings("unchecked")
    private List<Candidate> candidates(String condition, Long from, Long to, Instant until) {
        var query = getEntityManager().createNativeQuery("""
                SELECT user_id, slot_key, status, backoff_until, failure_kind, extra_poll_at, extra_poll_reason
                FROM scheduled_users
                WHERE status <> 'DELETED' AND %s
                ORDER BY slot_key
                """.formatted(condition));
        if (until != null) {
            query.setParameter("until", Timestamp.from(until));
        } else {
            query.setParameter("from", from).setParameter("to", to);
        }
        List<Object[]> rows = query.getResultList();
        List<Candidate> result = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            result.add(new Candidate((String) row[0], ((Number) row[1]).longValue(),
                    ScheduleStatus.valueOf((String) row[2]), instant(row[3]),
                    row[4] == null ? null : FailureKind.valueOf((String) row[4]), instant(row[5]),
                    row[6] == null ? null : ExtraPollReason.valueOf((String) row[6])));
        }
        return result;
    }

    /**
     * Records that the users were published in {@code batchId}; an extra poll due before {@code until} is thereby
     * done (a later one, set meanwhile by a fresh outcome, stays).
     */
    public void markPublished(Collection<String> userIds, String batchId, String reason, Instant at,
            Instant until) {
        getEntityManager().createNativeQuery("""
                UPDATE scheduled_users
                SET last_published_at = :at, last_published_reason = :reason, last_batch_id = :batchId,
                    extra_poll_reason = CASE WHEN extra_poll_at < :until THEN NULL ELSE extra_poll_reason END,
                    extra_poll_at = CASE WHEN extra_poll_at < :until THEN NULL ELSE extra_poll_at END
                WHERE user_id IN (:ids)
                """)
                .setParameter("at", Timestamp.from(at))
                .setParameter("reason", reason)
                .setParameter("batchId", batchId)
                .setParameter("until", Timestamp.from(until))
                .setParameter("ids", userIds)
                .executeUpdate();
    }

    /** Drops extra polls of users that cannot be polled (waiting for re-authorisation). */
    public void clearExtraPolls(Collection<String> userIds, Instant until) {
        getEntityManager().createNativeQuery("""
                UPDATE scheduled_users SET extra_poll_at = NULL, extra_poll_reason = NULL
                WHERE user_id IN (:ids) AND extra_poll_at < :until
                """)
                .setParameter("ids", userIds)
                .setParameter("until", Timestamp.from(until))
                .executeUpdate();
    }

    static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof Timestamp timestamp) {
            return timestamp.toInstant();
        }
        if (value instanceof OffsetDateTime dateTime) {
            return dateTime.toInstant();
        }
        throw new IllegalStateException("Unexpected timestamp type " + value.getClass().getName());
    }

    /** What the tick needs to know about a user that may be due. */
    public record Candidate(String userId, long slotKey, ScheduleStatus status, Instant backoffUntil,
            FailureKind failureKind, Instant extraPollAt, ExtraPollReason extraPollReason) {
    }
}
