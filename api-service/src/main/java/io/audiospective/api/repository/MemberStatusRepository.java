package io.audiospective.api.repository;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.support.sql.Db;

/**
 * A member's account and archive status ({@code user_status}) as {@code users} and {@code archive.outcomes} tell it.
 * Every write is an upsert: the plays or outcomes consumer may meet a member before their registration does.
 */
@ApplicationScoped
public class MemberStatusRepository {

    /** The last lifecycle event applied: its auth-service sequence (null before sequences) and time. */
    public record LastEvent(Long sequence, Instant at) {}

    /** The member's row; times are null until known. */
    public record Status(
            String displayName,
            String state,
            Instant registeredAt,
            Instant authorizedAt,
            Instant lastSuccessfulPoll,
            String lastPollFailure) {}

    private final Db db;

    MemberStatusRepository(Db db) {
        this.db = db;
    }

    /** The member's last applied event, their row locked until the transaction ends; empty without a row. */
    public Optional<LastEvent> lockLastEvent(String userId) {
        return db.queryOne(
                "SELECT last_event_at, last_event_sequence FROM user_status WHERE user_id = ? FOR UPDATE",
                rs -> new LastEvent(rs.getObject("last_event_sequence", Long.class), Db.instant(rs, "last_event_at")),
                userId);
    }

    /** Whether a registration was applied for the member (rows other consumers created have none). */
    public boolean isRegistered(String userId) {
        return db.queryOne(
                        "SELECT 1 FROM user_status WHERE user_id = ? AND registered_at IS NOT NULL", rs -> true, userId)
                .isPresent();
    }

    /** The member registered at {@code at}: ACTIVE and authorized then; a first registration's time is kept. */
    public void register(String userId, String displayName, Instant at) {
        db.update("""
                INSERT INTO user_status (user_id, display_name, state, registered_at, authorized_at, last_event_at)
                VALUES (?, ?, 'ACTIVE', ?, ?, ?)
                ON CONFLICT (user_id) DO UPDATE SET display_name = coalesce(EXCLUDED.display_name,
                    user_status.display_name), state = 'ACTIVE',
                    registered_at = coalesce(user_status.registered_at, EXCLUDED.registered_at),
                    authorized_at = EXCLUDED.authorized_at, last_event_at = EXCLUDED.last_event_at
                """, userId, displayName, at, at, at);
    }

    /**
     * An event at {@code at}: the state when given (a new row starts ACTIVE), the authorization time when given, the
     * display name when the event carries one.
     */
    public void recordEvent(String userId, String displayName, String state, Instant authorizedAt, Instant at) {
        db.update("""
                INSERT INTO user_status (user_id, display_name, state, authorized_at, last_event_at)
                VALUES (?, ?, coalesce(?, 'ACTIVE'), ?, ?)
                ON CONFLICT (user_id) DO UPDATE SET
                    display_name = coalesce(EXCLUDED.display_name, user_status.display_name),
                    state = coalesce(?, user_status.state),
                    authorized_at = coalesce(EXCLUDED.authorized_at, user_status.authorized_at),
                    last_event_at = EXCLUDED.last_event_at
                """, userId, displayName, state, authorizedAt, at, state);
    }

    public void recordEventSequence(String userId, Long sequence) {
        db.update("UPDATE user_status SET last_event_sequence = ? WHERE user_id = ?", sequence, userId);
    }

    /**
     * A successful poll completed at {@code completedAt}; the latest one is kept whatever the order outcomes arrive
     * in. A member first met here is ACTIVE with no event applied yet (the epoch).
     */
    public void recordSuccessfulPoll(String userId, Instant completedAt) {
        db.update("""
                INSERT INTO user_status (user_id, state, last_event_at, last_successful_poll)
                VALUES (?, 'ACTIVE', ?, ?)
                ON CONFLICT (user_id) DO UPDATE SET last_successful_poll =
                    GREATEST(user_status.last_successful_poll, EXCLUDED.last_successful_poll)
                """, userId, Instant.EPOCH, completedAt);
    }

    public void recordPollFailure(String userId, String failure) {
        db.update("UPDATE user_status SET last_poll_failure = ? WHERE user_id = ?", failure, userId);
    }

    public Optional<Status> status(String userId) {
        return db.queryOne(
                "SELECT * FROM user_status WHERE user_id = ?",
                rs -> new Status(
                        rs.getString("display_name"),
                        rs.getString("state"),
                        Db.instant(rs, "registered_at"),
                        Db.instant(rs, "authorized_at"),
                        Db.instant(rs, "last_successful_poll"),
                        rs.getString("last_poll_failure")),
                userId);
    }

    public void delete(String userId) {
        db.update("DELETE FROM user_status WHERE user_id = ?", userId);
    }
}
