package io.audiospective.archive.service;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.audiospective.archive.client.AuthClient;
import io.audiospective.model.SpotifyAccessToken;
import io.audiospective.model.TokenFingerprint;

/**
 * Reuses a user's access token until it is close to expiry, then asks auth-service for a fresh one. Catalogue
 * look-ups use the app's own token ({@link #appToken()}), never a member's.
 */
@ApplicationScoped
public class AccessTokenCache {

    private static final Logger LOG = Logger.getLogger(AccessTokenCache.class);

    private static final Duration MARGIN = Duration.ofMinutes(5);

    private final AuthClient auth;
    private final Clock clock;
    private final Map<String, SpotifyAccessToken> tokens = new ConcurrentHashMap<>();
    private final Map<String, TokenFingerprint> rejectedTokens = new ConcurrentHashMap<>();
    private volatile SpotifyAccessToken appToken;

    AccessTokenCache(AuthClient auth, Clock clock) {
        this.auth = auth;
        this.clock = clock;
    }

    public String accessToken(String userId) {
        SpotifyAccessToken cached = tokens.get(userId);
        if (cached != null && cached.expiresAt().isAfter(clock.instant().plus(MARGIN))) {
            return cached.accessToken();
        }
        SpotifyAccessToken fresh = auth.accessToken(userId, rejectedTokens.get(userId));
        rejectedTokens.remove(userId);
        tokens.put(userId, fresh);
        return fresh.accessToken();
    }

    /**
     * The app's own token (client credentials) for calls that are not about a member (catalogue look-ups); empty
     * while auth-service has none to give.
     */
    public Optional<String> appToken() {
        SpotifyAccessToken cached = appToken;
        if (cached != null && cached.expiresAt().isAfter(clock.instant().plus(MARGIN))) {
            return Optional.of(cached.accessToken());
        }
        try {
            SpotifyAccessToken fresh = auth.appAccessToken();
            appToken = fresh;
            return Optional.of(fresh.accessToken());
        } catch (RuntimeException e) {
            LOG.infof("No app token for catalogue look-ups: %s", e.getMessage());
            return Optional.empty();
        }
    }

    /** A deleted member's token is no longer kept. */
    public void forget(String userId) {
        tokens.remove(userId);
        rejectedTokens.remove(userId);
    }

    /**
     * Spotify refused {@code accessToken} before its expiry (revoked or expired early): the next call asks
     * auth-service for a renewed one.
     */
    public void rejected(String userId, String accessToken) {
        tokens.remove(userId);
        rejectedTokens.put(userId, TokenFingerprint.of(accessToken));
    }
}
