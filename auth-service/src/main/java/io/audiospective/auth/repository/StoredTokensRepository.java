package io.audiospective.auth.repository;

import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.hibernate.LockOptions;

import io.audiospective.auth.StoredTokens;
import io.audiospective.support.sql.Db;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class StoredTokensRepository implements PanacheRepositoryBase<StoredTokens, String> {

    /** How many stored values (refresh and access tokens alike) one vault key seals. */
    public record KeyUsage(String keyId, long values) {}

    private final Db db;

    StoredTokensRepository(Db db) {
        this.db = db;
    }

    /** The row locked until the transaction ends: concurrent refreshers of one user queue here. */
    public StoredTokens lockForUser(String userId) {
        return findById(userId, LockModeType.PESSIMISTIC_WRITE);
    }

    /**
     * Locks up to {@code limit} rows with a value sealed under another key than {@code activeKeyId} or in another
     * format than {@code format}, whose keys are all among {@code knownKeyIds}. Rows another transaction holds are
     * skipped, not waited for.
     */
    public List<StoredTokens> lockToReseal(
            String activeKeyId, short format, Collection<String> knownKeyIds, int limit) {
        return getEntityManager()
                .createQuery("""
                from StoredTokens t
                where (t.refreshKeyId <> :active or t.accessKeyId <> :active
                       or t.refreshFormat <> :format or t.accessFormat <> :format)
                  and t.refreshKeyId in :known and t.accessKeyId in :known""", StoredTokens.class)
                .setParameter("active", activeKeyId)
                .setParameter("format", format)
                .setParameter("known", knownKeyIds)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .setHint("jakarta.persistence.lock.timeout", LockOptions.SKIP_LOCKED)
                .setMaxResults(limit)
                .getResultList();
    }

    /** Stored values per vault key, this transaction's pending changes (a reseal) included. */
    public List<KeyUsage> usagePerKey() {
        // a native statement on this entity's table: it sees the session's changes only once they are flushed
        flush();
        return db.query("""
                SELECT key_id, count(*) AS values_sealed FROM (
                    SELECT refresh_key_id AS key_id FROM spotify_tokens
                    UNION ALL SELECT access_key_id FROM spotify_tokens) used
                GROUP BY key_id""", rs -> new KeyUsage(rs.getString("key_id"), rs.getLong("values_sealed")));
    }
}
