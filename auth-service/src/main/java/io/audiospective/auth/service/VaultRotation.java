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
import jakarta.transaction.Transactional;

import io.audiospective.auth.StoredTokens;
import io.audiospective.auth.repository.StoredTokensRepository;

/**
 * Moves stored values onto the active vault key and the current format, so an old key can be retired, and tells
 * which keys stored values still use: a key may leave VAULT_KEYS only once no value uses it
 * ({@link VaultKeysReadiness} reports DOWN otherwise).
 */
@ApplicationScoped
public class VaultRotation {

    /** How long a computed {@link #usage()} is reused: it counts every row. */
    private static final Duration USAGE_MAX_AGE = Duration.ofMinutes(1);

    private final StoredTokensRepository tokens;
    private final TokenVault vault;
    private final Clock clock;
    private volatile Usage lastUsage;

    VaultRotation(StoredTokensRepository tokens, TokenVault vault, Clock clock) {
        this.tokens = tokens;
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
        List<StoredTokens> rows = tokens.lockToReseal(vault.activeKeyId(), TokenVault.FORMAT, vault.keyIds(), limit);
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
        Map<String, Long> perKey = new TreeMap<>();
        tokens.usagePerKey().forEach(usage -> perKey.put(usage.keyId(), usage.values()));
        Set<String> retired = new TreeSet<>(perKey.keySet());
        retired.removeAll(vault.keyIds());
        Usage usage = new Usage(perKey, retired, clock.instant());
        lastUsage = usage;
        return usage;
    }

    /** How many stored values each key id seals, and which of those keys are no longer configured. */
    public record Usage(Map<String, Long> valuesPerKey, Set<String> unconfiguredKeys, Instant countedAt) {}
}
