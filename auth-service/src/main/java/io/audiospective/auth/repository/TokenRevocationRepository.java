package io.audiospective.auth.repository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.support.sql.Db;

/**
 * API token sessions (sequence api_token_sessions) and revocations (table api_token_revocations, V4), keyed by the
 * member's key so that a revocation outlives a deleted member.
 */
@ApplicationScoped
public class TokenRevocationRepository {

    /** A revocation in force: tokens of sessions below {@code minSession} are refused until {@code expiresAt}. */
    public record StoredRevocation(String memberKey, long minSession, Instant expiresAt) {}

    private final Db db;

    TokenRevocationRepository(Db db) {
        this.db = db;
    }

    /** A new session number, above every number drawn before. */
    public long nextSession() {
        return db.queryOne("SELECT nextval('api_token_sessions')", rs -> rs.getLong(1))
                .orElseThrow();
    }

    /**
     * Stores the revocation, or raises the member's stored one to it: a revocation never lowers the session floor
     * nor shortens the time it is kept, whichever replica (with whatever clock) wrote first.
     */
    public void raise(String memberKey, long minSession, Instant expiresAt) {
        db.update("""
                INSERT INTO api_token_revocations (user_key, min_session, expires_at) VALUES (?, ?, ?)
                ON CONFLICT (user_key) DO UPDATE SET
                    min_session = GREATEST(api_token_revocations.min_session, EXCLUDED.min_session),
                    expires_at = GREATEST(api_token_revocations.expires_at, EXCLUDED.expires_at)
                """, memberKey, minSession, expiresAt);
    }

    /** The lowest session the member's tokens may carry, when a revocation is in force at {@code now}. */
    public Optional<Long> minSession(String memberKey, Instant now) {
        return db.queryOne(
                "SELECT min_session FROM api_token_revocations WHERE user_key = ? AND expires_at > ?",
                rs -> rs.getLong("min_session"),
                memberKey,
                now);
    }

    /** Deletes the revocations whose refused tokens have all expired by {@code now}. */
    public void deleteExpired(Instant now) {
        db.update("DELETE FROM api_token_revocations WHERE expires_at <= ?", now);
    }

    /** Every stored revocation, its expiry in whole seconds (as Redis keeps it). */
    public List<StoredRevocation> all() {
        return db.query(
                "SELECT user_key, min_session, CAST(floor(extract(epoch FROM expires_at)) AS bigint) AS expires_epoch"
                        + " FROM api_token_revocations",
                rs -> new StoredRevocation(
                        rs.getString("user_key"),
                        rs.getLong("min_session"),
                        Instant.ofEpochSecond(rs.getLong("expires_epoch"))));
    }
}
