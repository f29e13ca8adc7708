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
import jakarta.persistence.Query;

import org.hibernate.query.TypedParameterValue;
import org.hibernate.type.StandardBasicTypes;

import io.audiospective.model.FailureKind;
import io.audiospective.scheduler.ExtraPollReason;
import io.audiospective.scheduler.ScheduleStatus;
import io.audiospective.scheduler.ScheduledUser;
import io.audiospective.scheduler.Slots.KeyRange;
import io.audiospective.support.MemberKey;
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
        boolean deletedLater = !ordered("""
                SELECT 1 FROM deleted_members WHERE user_key = :memberKey AND NOT %s FOR UPDATE
                """.formatted(isAfter("event_sequence", "deleted_at")), since, sequence)
                .setParameter("memberKey", memberKey)
                .getResultList()
                .isEmpty();
        if (deletedLater) {
            return;
        }
        ordered(
                        """
                INSERT INTO scheduled_users (user_id, status, status_since, event_sequence)
                VALUES (:userId, :status, :since, :sequence)
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
                """.formatted(isAfter("scheduled_users.event_sequence", "scheduled_users.status_since")),
                        since,
                        sequence)
                .setParameter("userId", userId)
                .setParameter("status", status.name())
                .executeUpdate();
        // the row orders the member's events again
        getEntityManager()
                .createNativeQuery("DELETE FROM deleted_members WHERE user_key = :memberKey")
                .setParameter("memberKey", memberKey)
                .executeUpdate();
    }

    /** When the member deleted their account; null when they did not, or signed up again since. */
    public Instant deletedAt(String userId) {
        @SuppressWarnings("unchecked")
        List<Object> found = getEntityManager()
                .createNativeQuery("SELECT deleted_at FROM deleted_members WHERE user_key = :memberKey")
                .setParameter("memberKey", MemberKey.of(userId))
                .getResultList();
        return found.stream().findFirst().map(ScheduledUserRepository::instant).orElse(null);
    }

    private void delete(String userId, Instant since, Long sequence) {
        ordered(
                        "DELETE FROM scheduled_users WHERE user_id = :userId AND %s"
                                .formatted(isAfter("event_sequence", "status_since")),
                        since,
                        sequence)
                .setParameter("userId", userId)
                .executeUpdate();
        boolean signedUpAgain = !getEntityManager()
                .createNativeQuery("SELECT 1 FROM scheduled_users WHERE user_id = :userId")
                .setParameter("userId", userId)
                .getResultList()
                .isEmpty();
        if (signedUpAgain) {
            // the member signed up again after this deletion (a re-delivered old event)
            return;
        }
        ordered("""
                INSERT INTO deleted_members (user_key, event_sequence, deleted_at) VALUES (:memberKey, :sequence, :since)
                ON CONFLICT (user_key) DO UPDATE SET event_sequence = EXCLUDED.event_sequence,
                    deleted_at = EXCLUDED.deleted_at
                    WHERE %s
                """.formatted(isAfter("deleted_members.event_sequence", "deleted_members.deleted_at")), since, sequence)
                .setParameter("memberKey", MemberKey.of(userId))
                .executeUpdate();
    }

    /** SQL: the event (parameters {@code :sequence}, {@code :since}) is after what the columns hold. */
    private static String isAfter(String sequenceColumn, String sinceColumn) {
        return """
                (CASE WHEN CAST(:sequence AS BIGINT) IS NOT NULL
                      THEN %1$s IS NULL OR %1$s < CAST(:sequence AS BIGINT)
                      ELSE %1$s IS NULL AND %2$s <= :since END)""".formatted(sequenceColumn, sinceColumn);
    }

    private Query ordered(String sql, Instant since, Long sequence) {
        return getEntityManager()
                .createNativeQuery(sql)
                .setParameter("since", Timestamp.from(since))
                .setParameter("sequence", new TypedParameterValue<>(StandardBasicTypes.LONG, sequence));
    }

    /** The users known among {@code userIds}, locked for update in id order, by id. */
    public Map<String, ScheduledUser> lockAll(Collection<String> userIds) {
        Map<String, ScheduledUser> locked = new HashMap<>();
        find("userId in ?1 order by userId", userIds)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .list()
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
            result.add(new Candidate(
                    (String) row[0],
                    ((Number) row[1]).longValue(),
                    ScheduleStatus.valueOf((String) row[2]),
                    instant(row[3]),
                    row[4] == null ? null : FailureKind.valueOf((String) row[4]),
                    instant(row[5]),
                    row[6] == null ? null : ExtraPollReason.valueOf((String) row[6])));
        }
        return result;
    }

    /**
     * Records that the users were published in {@code batchId}; an extra poll due before {@code until} is thereby
     * done (a later one, set meanwhile by a fresh outcome, stays).
     */
    public void markPublished(Collection<String> userIds, String batchId, String reason, Instant at, Instant until) {
        getEntityManager()
                .createNativeQuery("""
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
        getEntityManager()
                .createNativeQuery("""
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
        throw new IllegalStateException(
                "Unexpected timestamp type " + value.getClass().getName());
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
