package io.audiospective.archive.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.audiospective.archive.client.AuthClient;
import io.audiospective.model.SpotifyAccessToken;
import io.audiospective.model.TokenFingerprint;
import io.quarkus.scheduler.Scheduled;

/**
 * Reuses a user's access token until it is close to expiry, then asks auth-service for a fresh one. Catalogue
 * look-ups use the app's own token ({@link #appToken()}), never a member's.
 * <p>
 * A member who deletes their account loses every cached token on every replica, not only on the one that consumed
 * the DELETED event: a cached token is used only after {@link DeletedMembers} says its member did not delete their
 * account since it was cached (when Redis does not answer, auth-service, which refuses deleted members, is asked),
 * and a sweep every {@code token-cache-sweep} drops the tokens of deleted members and expired ones.
 */
@ApplicationScoped
public class AccessTokenCache {

    private static final Logger LOG = Logger.getLogger(AccessTokenCache.class);

    private static final Duration MARGIN = Duration.ofMinutes(5);
    private static final Duration CLOCK_MARGIN = Duration.ofMinutes(1);

    private final AuthClient auth;
    private final DeletedMembers deletedMembers;
    private final Clock clock;
    private final Map<String, CachedToken> tokens = new ConcurrentHashMap<>();
    private final Map<String, TokenFingerprint> rejectedTokens = new ConcurrentHashMap<>();
    private volatile SpotifyAccessToken appToken;

    AccessTokenCache(AuthClient auth, DeletedMembers deletedMembers, Clock clock) {
        this.auth = auth;
        this.deletedMembers = deletedMembers;
        this.clock = clock;
    }

    public String accessToken(String userId) {
        CachedToken cached = tokens.get(userId);
        Instant now = clock.instant();
        if (cached != null && cached.token().expiresAt().isAfter(now.plus(MARGIN)) && stillMember(userId, cached)) {
            return cached.token().accessToken();
        }
        SpotifyAccessToken fresh = auth.accessToken(userId, rejectedTokens.get(userId));
        rejectedTokens.remove(userId);
        tokens.put(userId, new CachedToken(fresh, now));
        return fresh.accessToken();
    }

    /** Whether this replica holds a token of the member (what a sweep has dropped is gone from memory). */
    public boolean holdsTokenOf(String userId) {
        return tokens.containsKey(userId);
    }

    /** Drops the cached tokens of members who deleted their account since, and the expired ones. */
    @Scheduled(
            every = "${audiospective.archive.token-cache-sweep:PT10S}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        Instant now = clock.instant();
        tokens.entrySet().removeIf(e -> !e.getValue().token().expiresAt().isAfter(now));
        Map<String, Instant> deleted;
        try {
            deleted = deletedMembers.deletedAt(tokens.keySet());
        } catch (RuntimeException e) {
            // a cached token is checked again before each use
            LOG.debugf("Cached tokens not swept (Redis: %s)", e.getMessage());
            return;
        }
        deleted.forEach((userId, at) -> {
            CachedToken cached = tokens.get(userId);
            if (cached != null && cachedBefore(cached, at)) {
                forget(userId);
            }
        });
    }

    private boolean stillMember(String userId, CachedToken cached) {
        Instant deletedAt;
        try {
            deletedAt = deletedMembers.deletedAt(List.of(userId)).get(userId);
        } catch (RuntimeException e) {
            LOG.debugf(
                    "Deletions unknown (Redis: %s): asking auth-service for the token of %s", e.getMessage(), userId);
            return false;
        }
        if (deletedAt != null && cachedBefore(cached, deletedAt)) {
            forget(userId);
            return false;
        }
        return true;
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

    /** A deleted member's token is no longer kept (the replica that consumed the deletion). */
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

    /**
     * The deletion time comes from auth-service's clock, the caching time from this replica's: a token cached within
     * {@link #CLOCK_MARGIN} after the deletion counts as older (a member who signed up again at once loses nothing but
     * one look-up).
     */
    private static boolean cachedBefore(CachedToken cached, Instant deletedAt) {
        return !cached.cachedAt().isAfter(deletedAt.plus(CLOCK_MARGIN));
    }

    /** A member's token and when this replica got it. */
    private record CachedToken(SpotifyAccessToken token, Instant cachedAt) {}
}
