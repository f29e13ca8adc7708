package io.audiospective.auth.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import org.hibernate.LockOptions;

import io.audiospective.auth.StoredTokens;

/**
 * Moves stored values onto the active vault key and the current format, so an old key can be retired, and tells
 * which keys stored values still use: a key may leave VAULT_KEYS only once no value uses it
 * ({@link VaultKeysReadiness} reports DOWN otherwise).
 */
@ApplicationScoped
public class VaultRotation {

    /** How long a computed {@link #usage()} is reused: it counts every row. */
    private static final Duration USAGE_MAX_AGE = Duration.ofMinutes(1);

    private final EntityManager entityManager;
    private final TokenVault vault;
    private final Clock clock;
    private volatile Usage lastUsage;

    VaultRotation(EntityManager entityManager, TokenVault vault, Clock clock) {
        this.entityManager = entityManager;
        this.vault = vault;
        this.clock = clock;
    }

    /**
     * Re-seals up to {@code limit} rows that have a value under another key than the active one or in the legacy
     * format; returns how many. Rows another transaction holds (a refresh under way) are skipped, not waited for;
     * rows whose key is no longer configured cannot be read and are left to {@link VaultKeysReadiness}.
     */
    @Transactional
    public int resealBatch(int limit) {
        List<StoredTokens> rows = entityManager
                .createQuery("""
                from StoredTokens t
                where (t.refreshKeyId <> :active or t.accessKeyId <> :active
                       or t.refreshFormat <> :format or t.accessFormat <> :format)
                  and t.refreshKeyId in :known and t.accessKeyId in :known""", StoredTokens.class)
                .setParameter("active", vault.activeKeyId())
                .setParameter("format", TokenVault.FORMAT)
                .setParameter("known", vault.keyIds())
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .setHint("jakarta.persistence.lock.timeout", LockOptions.SKIP_LOCKED)
                .setMaxResults(limit)
                .getResultList();
        for (StoredTokens row : rows) {
            if (!vault.isCurrent(TokenVault.refreshToken(row))) {
                vault.sealRefreshToken(row, vault.openRefreshToken(row));
            }
            if (!vault.isCurrent(TokenVault.accessToken(row))) {
                vault.sealAccessToken(row, vault.openAccessToken(row));
            }
        }
        return rows.size();
    }

    /** Stored values per key id, at most a minute old. */
    public Usage usage() {
        Usage usage = lastUsage;
        return usage != null && usage.countedAt().plus(USAGE_MAX_AGE).isAfter(clock.instant()) ? usage : countNow();
    }

    /** Stored values per key id, counted now. */
    @Transactional
    public Usage countNow() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                SELECT key_id, count(*) FROM (
                    SELECT refresh_key_id AS key_id FROM spotify_tokens
                    UNION ALL SELECT access_key_id FROM spotify_tokens) used
                GROUP BY key_id""").getResultList();
        Map<String, Long> perKey = new TreeMap<>();
        rows.forEach(row -> perKey.put((String) row[0], ((Number) row[1]).longValue()));
        Set<String> retired = new TreeSet<>(perKey.keySet());
        retired.removeAll(vault.keyIds());
        Usage usage = new Usage(perKey, retired, clock.instant());
        lastUsage = usage;
        return usage;
    }

    /** How many stored values each key id seals, and which of those keys are no longer configured. */
    public record Usage(Map<String, Long> valuesPerKey, Set<String> unconfiguredKeys, Instant countedAt) {}
}
