package io.audiospective.auth.repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.hibernate.query.NativeQuery;
import org.hibernate.type.StandardBasicTypes;

import io.audiospective.auth.MailKind;

/** The mail outbox (table mail_outbox, V6): mails decided, then sent by the relay. Native SQL for the row locks. */
@ApplicationScoped
public class MailOutboxRepository {

    /** A claimed row: what the relay needs to render and send it. */
    public record OutboxMail(long id, MailKind kind, String userId, Long waitlistId, Instant aboutAt, int attempts) {}

    private final EntityManager entityManager;

    MailOutboxRepository(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** Enqueues the member's mail unless one for the same occasion ({@code dedupeKey}) ever was; true when enqueued. */
    public boolean enqueue(MailKind kind, String userId, String dedupeKey, Instant aboutAt, Instant now) {
        return enqueue(kind, userId, null, dedupeKey, aboutAt, now);
    }

    /** Enqueues a mail to a waitlist entry, once per {@code dedupeKey}. */
    public boolean enqueueToWaitlist(MailKind kind, long waitlistId, String dedupeKey, Instant now) {
        return enqueue(kind, null, waitlistId, dedupeKey, null, now);
    }

    private boolean enqueue(
            MailKind kind, String userId, Long waitlistId, String dedupeKey, Instant aboutAt, Instant now) {
        // typed binds: either recipient column may be null, and PostgreSQL must know the type of a null
        @SuppressWarnings("unchecked")
        NativeQuery<Object> insert = entityManager.createNativeQuery("""
                INSERT INTO mail_outbox (kind, user_id, waitlist_id, dedupe_key, about_at, state, next_attempt_at,
                                         created_at)
                VALUES (:kind, :user, :waitlist, :key, :about, 'PENDING', :now, :now)
                ON CONFLICT (dedupe_key) DO NOTHING
                """).unwrap(NativeQuery.class);
        return insert.setParameter("kind", kind.name())
                        .setParameter("user", userId, StandardBasicTypes.STRING)
                        .setParameter("waitlist", waitlistId, StandardBasicTypes.LONG)
                        .setParameter("key", dedupeKey)
                        .setParameter("about", aboutAt, StandardBasicTypes.INSTANT)
                        .setParameter("now", Timestamp.from(now))
                        .executeUpdate()
                == 1;
    }

    /**
     * Locks up to {@code limit} due mails, oldest first, until the transaction ends; rows another relay (thread or
     * replica) holds are skipped, so no mail is claimed twice.
     */
    @SuppressWarnings("unchecked")
    public List<OutboxMail> claimDue(Instant now, int limit) {
        List<Object[]> rows = entityManager
                .createNativeQuery("""
                SELECT id, kind, user_id, waitlist_id, about_at, attempts FROM mail_outbox
                WHERE state = 'PENDING' AND next_attempt_at <= :now
                ORDER BY id LIMIT :limit
                FOR UPDATE SKIP LOCKED
                """)
                .setParameter("now", Timestamp.from(now))
                .setParameter("limit", limit)
                .getResultList();
        return rows.stream()
                .map(row -> new OutboxMail(
                        ((Number) row[0]).longValue(),
                        MailKind.valueOf((String) row[1]),
                        (String) row[2],
                        row[3] == null ? null : ((Number) row[3]).longValue(),
                        instant(row[4]),
                        ((Number) row[5]).intValue()))
                .toList();
    }

    public void markSent(long id, Instant now) {
        entityManager
                .createNativeQuery("UPDATE mail_outbox SET state = 'SENT', sent_at = :now, attempts = attempts + 1"
                        + " WHERE id = :id")
                .setParameter("now", Timestamp.from(now))
                .setParameter("id", id)
                .executeUpdate();
    }

    /** The mail is not to be sent any more (the member turned its kind off, or has no address). */
    public void markDropped(long id, String reason) {
        entityManager
                .createNativeQuery("UPDATE mail_outbox SET state = 'DROPPED', last_error = :reason WHERE id = :id")
                .setParameter("reason", reason)
                .setParameter("id", id)
                .executeUpdate();
    }

    /** The send failed: tried again at {@code nextAttempt}; {@code error} names the failure, never an address. */
    public void markFailed(long id, Instant nextAttempt, String error) {
        entityManager
                .createNativeQuery("UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = :next,"
                        + " last_error = :error WHERE id = :id")
                .setParameter("next", Timestamp.from(nextAttempt))
                .setParameter("error", error)
                .setParameter("id", id)
                .executeUpdate();
    }

    private static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Timestamp timestamp) {
            return timestamp.toInstant();
        }
        if (value instanceof java.time.OffsetDateTime offset) {
            return offset.toInstant();
        }
        return (Instant) value;
    }
}
