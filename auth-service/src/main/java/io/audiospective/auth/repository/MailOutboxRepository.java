package io.audiospective.auth.repository;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.auth.MailKind;
import io.audiospective.support.sql.Db;

/** The mail outbox (table mail_outbox, V6): mails decided, then sent by the relay. */
@ApplicationScoped
public class MailOutboxRepository {

    /** A claimed row: what the relay needs to render and send it; {@code details} is JSON text or null. */
    public record OutboxMail(
            long id, MailKind kind, String userId, Long waitlistId, Instant aboutAt, int attempts, String details) {}

    private final Db db;

    MailOutboxRepository(Db db) {
        this.db = db;
    }

    /**
     * Enqueues the member's mail unless one for the same occasion ({@code dedupeKey}) ever was; true when enqueued.
     * The member's row must be in the database (the recipient is a foreign key): the callers change members that
     * exist, never one they persist in the same transaction.
     */
    public boolean enqueue(MailKind kind, String userId, String dedupeKey, Instant aboutAt, Instant now) {
        return enqueue(kind, userId, null, dedupeKey, aboutAt, now);
    }

    /**
     * Enqueues the member's mail with its {@code details} (JSON text) unless one for the same occasion ever was, and
     * only while the member exists: an occasion told by another service may concern a member deleted since. True
     * when enqueued.
     */
    public boolean enqueueIfMember(
            MailKind kind, String userId, String dedupeKey, Instant aboutAt, String detailsJson, Instant now) {
        return db.update("""
                        INSERT INTO mail_outbox (kind, user_id, dedupe_key, about_at, details, state, next_attempt_at,
                                                 created_at)
                        SELECT ?, spotify_user_id, ?, ?, CAST(? AS jsonb), 'PENDING', ?, ? FROM members
                        WHERE spotify_user_id = ?
                        ON CONFLICT (dedupe_key) DO NOTHING
                        """, kind.name(), dedupeKey, aboutAt, detailsJson, now, now, userId) == 1;
    }

    /** Whether the occasion {@code dedupeKey} was decided already (a mail enqueued, or nothing to send). */
    public boolean decided(String dedupeKey) {
        return db.queryOne("SELECT 1 FROM mail_outbox WHERE dedupe_key = ?", rs -> true, dedupeKey)
                .isPresent();
    }

    /**
     * Records that the occasion {@code dedupeKey} has nothing to send (a row {@code DROPPED} with {@code reason}), so
     * later runs neither ask again nor send it; false when it was decided already.
     */
    public boolean recordNothingToSend(
            MailKind kind, String userId, String dedupeKey, Instant aboutAt, String reason, Instant now) {
        return db.update("""
                        INSERT INTO mail_outbox (kind, user_id, dedupe_key, about_at, state, last_error,
                                                 next_attempt_at, created_at)
                        SELECT ?, spotify_user_id, ?, ?, 'DROPPED', ?, ?, ? FROM members WHERE spotify_user_id = ?
                        ON CONFLICT (dedupe_key) DO NOTHING
                        """, kind.name(), dedupeKey, aboutAt, reason, now, now, userId) == 1;
    }

    /** Enqueues a mail to a waitlist entry, once per {@code dedupeKey}; the caller flushed the new entry. */
    public boolean enqueueToWaitlist(MailKind kind, long waitlistId, String dedupeKey, Instant now) {
        return enqueue(kind, null, waitlistId, dedupeKey, null, now);
    }

    private boolean enqueue(
            MailKind kind, String userId, Long waitlistId, String dedupeKey, Instant aboutAt, Instant now) {
        // a null recipient or about_at takes its type from the column it is inserted into
        return db.update("""
                        INSERT INTO mail_outbox (kind, user_id, waitlist_id, dedupe_key, about_at, state,
                                                 next_attempt_at, created_at)
                        VALUES (?, ?, ?, ?, ?, 'PENDING', ?, ?)
                        ON CONFLICT (dedupe_key) DO NOTHING
                        """, kind.name(), userId, waitlistId, dedupeKey, aboutAt, now, now) == 1;
    }

    /**
     * Locks up to {@code limit} due mails, oldest first, until the transaction ends; rows another relay (thread or
     * replica) holds are skipped, so no mail is claimed twice.
     */
    public List<OutboxMail> claimDue(Instant now, int limit) {
        return db.query(
                """
                SELECT id, kind, user_id, waitlist_id, about_at, attempts, details FROM mail_outbox
                WHERE state = 'PENDING' AND next_attempt_at <= ?
                ORDER BY id LIMIT ?
                FOR UPDATE SKIP LOCKED
                """,
                rs -> new OutboxMail(
                        rs.getLong("id"),
                        MailKind.valueOf(rs.getString("kind")),
                        rs.getString("user_id"),
                        rs.getObject("waitlist_id", Long.class),
                        Db.instant(rs, "about_at"),
                        rs.getInt("attempts"),
                        rs.getString("details")),
                now,
                limit);
    }

    public void markSent(long id, Instant now) {
        db.update("UPDATE mail_outbox SET state = 'SENT', sent_at = ?, attempts = attempts + 1 WHERE id = ?", now, id);
    }

    /** The mail is not to be sent any more (the member turned its kind off, or has no address). */
    public void markDropped(long id, String reason) {
        db.update("UPDATE mail_outbox SET state = 'DROPPED', last_error = ? WHERE id = ?", reason, id);
    }

    /** The send failed: tried again at {@code nextAttempt}; {@code error} names the failure, never an address. */
    public void markFailed(long id, Instant nextAttempt, String error) {
        db.update(
                "UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?",
                nextAttempt,
                error,
                id);
    }
}
