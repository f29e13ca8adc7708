package io.audiospective.auth.service;

import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.audiospective.model.TokenFingerprint;
import io.audiospective.support.MemberKey;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.ValueCommands;

/**
 * The refresh token Spotify last rotated to, kept in Redis (sealed by the vault) from the moment its answer arrives
 * until the database holds it. Spotify's PKCE refresh tokens are single-use: if the commit that stores a rotated
 * token fails (PostgreSQL cut, the process killed), the stored one is already spent, and only this copy lets the
 * member's next refresh succeed. Each copy names the stored token it replaced; it is used only while that token is
 * still the stored one, so a copy whose commit succeeded is never presented again. The Redis key names the member by
 * their {@link MemberKey} only, and an account deletion removes the copy ({@link #forget}).
 */
@ApplicationScoped
public class RotatedRefreshTokens {

    private static final Logger LOG = Logger.getLogger(RotatedRefreshTokens.class);
    private static final String PREFIX = "auth:rotated-refresh:";
    // long enough to outlast any outage; a member's authorisation runs out within 6 months anyway
    private static final Duration KEEP = Duration.ofDays(30);

    private final ValueCommands<String, String> values;
    private final TokenVault vault;

    RotatedRefreshTokens(RedisDataSource redis, TokenVault vault) {
        this.values = redis.value(String.class);
        this.vault = vault;
    }

    /**
     * Keeps {@code rotated}, which Spotify gave in exchange for the stored token {@code replaced}. Without Redis it
     * is not kept (logged): the database commit that follows is then the token's only record.
     */
    public void keep(String userId, String replaced, String rotated) {
        TokenVault.Sealed sealed = vault.seal(userId, TokenVault.Purpose.REFRESH_TOKEN, rotated);
        String value = TokenFingerprint.of(replaced).value() + ":" + sealed.keyId() + ":" + sealed.format() + ":"
                + Base64.getEncoder().encodeToString(sealed.value());
        try {
            values.setex(key(userId), KEEP.toSeconds(), value);
        } catch (RuntimeException e) {
            LOG.warnf(
                    "Rotated refresh token of user %s not kept in Redis (%s); the database is its only record",
                    userId, e.getMessage());
        }
    }

    /**
     * The token Spotify rotated {@code stored} into, when that rotation never reached the database; empty when none
     * was kept or the kept one is older than {@code stored}.
     */
    public Optional<String> newerThan(String userId, String stored) {
        String value;
        try {
            value = values.get(key(userId));
        } catch (RuntimeException e) {
            LOG.warnf("Rotated refresh token of user %s not looked up (Redis: %s)", userId, e.getMessage());
            return Optional.empty();
        }
        if (value == null) {
            return Optional.empty();
        }
        String[] parts = value.split(":", 4);
        if (parts.length != 4 || !TokenFingerprint.of(stored).value().equals(parts[0])) {
            return Optional.empty();
        }
        return Optional.of(vault.open(
                userId,
                TokenVault.Purpose.REFRESH_TOKEN,
                new TokenVault.Sealed(
                        parts[1],
                        Short.parseShort(parts[2]),
                        Base64.getDecoder().decode(parts[3]))));
    }

    /** The member deleted their account: no copy of a token of theirs is kept. */
    public void forget(String userId) {
        try {
            values.getdel(key(userId));
        } catch (RuntimeException e) {
            // the copy is sealed and keyed by a hash; it expires on its own
            LOG.warnf("A deleted member's rotated refresh token stays in Redis until it expires (%s)", e.getMessage());
        }
    }

    private static String key(String userId) {
        return PREFIX + MemberKey.of(userId);
    }
}
