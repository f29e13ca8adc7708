package io.audiospective.archive.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.archive.client.AccessToken;
import io.audiospective.archive.client.AuthClient;
import io.audiospective.model.TokenFingerprint;

/** Reuses a user's access token until it is close to expiry, then asks auth-service for a fresh one. */
@ApplicationScoped
public class AccessTokenCache {

    private static final Duration MARGIN = Duration.ofMinutes(5);

    private final AuthClient auth;
    private final Clock clock;
    private final Map<String, AccessToken> tokens = new ConcurrentHashMap<>();
    private final Map<String, TokenFingerprint> rejectedTokens = new ConcurrentHashMap<>();

    AccessTokenCache(AuthClient auth, Clock clock) {
        this.auth = auth;
        this.clock = clock;
    }

    public String accessToken(String userId) {
        AccessToken cached = tokens.get(userId);
        if (cached != null && cached.expiresAt().isAfter(clock.instant().plus(MARGIN))) {
            return cached.accessToken();
        }
        AccessToken fresh = auth.accessToken(userId, rejectedTokens.get(userId));
        rejectedTokens.remove(userId);
        tokens.put(userId, fresh);
        return fresh.accessToken();
    }

    /** Some user's token that is still valid, for calls that are not about a user (catalogue look-ups). */
    public Optional<String> anyValidToken() {
        Instant soonest = clock.instant().plus(MARGIN);
        return tokens.values().stream().filter(t -> t.expiresAt().isAfter(soonest)).map(AccessToken::accessToken)
                .findFirst();
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
