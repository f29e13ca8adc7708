package io.audiospective.auth.repository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.support.sql.Db;

/**
 * The set-based side of waitlist claims: finding expired ones and the next in line, each row locked with FOR UPDATE
 * SKIP LOCKED so that expiry jobs racing on several replicas each take different rows and none is handled twice.
 */
@ApplicationScoped
public class WaitlistClaimRepository {

    private final Db db;

    WaitlistClaimRepository(Db db) {
        this.db = db;
    }

    /** Locks up to {@code limit} open claims that expired by {@code now}; rows another job holds are skipped. */
    public List<Long> lockExpired(Instant now, int limit) {
        return db.query("""
                SELECT id FROM waitlist
                WHERE claim_expires_at <= ? AND claimed_at IS NULL AND claim_expired_at IS NULL
                ORDER BY claim_expires_at, id LIMIT ?
                FOR UPDATE SKIP LOCKED
                """, rs -> rs.getLong("id"), now, limit);
    }

    public void markExpired(long id, Instant now) {
        db.update("UPDATE waitlist SET claim_expired_at = ? WHERE id = ?", now, id);
    }

    /**
     * Locks the oldest confirmed entry not admitted yet; one another job is admitting right now is skipped, so two
     * expiries never pass their seats to the same person.
     */
    public Optional<Long> lockNextInLine() {
        return db.queryOne("""
                SELECT id FROM waitlist
                WHERE verified_at IS NOT NULL AND admitted_at IS NULL
                ORDER BY created_at, id LIMIT 1
                FOR UPDATE SKIP LOCKED
                """, rs -> rs.getLong("id"));
    }

    /** Admits the locked entry with a claim until {@code expiresAt}. */
    public void admit(long id, Instant now, Instant expiresAt) {
        db.update("UPDATE waitlist SET admitted_at = ?, claim_expires_at = ? WHERE id = ?", now, expiresAt, id);
    }
}
