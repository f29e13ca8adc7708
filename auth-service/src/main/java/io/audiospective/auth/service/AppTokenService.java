package io.audiospective.auth.service;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.auth.client.SpotifyAccountsClient;
import io.audiospective.auth.client.TokenGrant;
import io.audiospective.auth.config.AuthConfig;

/**
 * The app's own Spotify access token (client credentials) for catalogue look-ups, so they never borrow a member's
 * token. Kept in memory until shortly before it expires; each replica holds its own, which Spotify allows.
 */
@ApplicationScoped
public class AppTokenService {

    /** An app token and when it expires. */
    public record AppToken(String accessToken, Instant expiresAt) {

        @Override
        public String toString() {
            return "AppToken[expiresAt=" + expiresAt + "]";
        }
    }

    private final SpotifyAccountsClient spotify;
    private final AuthConfig config;
    private final Clock clock;
    private volatile AppToken current;

    AppTokenService(SpotifyAccountsClient spotify, AuthConfig config, Clock clock) {
        this.spotify = spotify;
        this.config = config;
        this.clock = clock;
    }

    /** The app token, valid for at least the refresh margin; empty when no client secret is configured. */
    public synchronized Optional<AppToken> appToken() {
        Optional<String> secret = config.spotify().clientSecret().filter(s -> !s.isBlank());
        if (secret.isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        AppToken token = current;
        if (token == null
                || !token.expiresAt().isAfter(now.plus(config.spotify().refreshMargin()))) {
            TokenGrant grant = spotify.appToken(secret.get());
            token = new AppToken(grant.accessToken(), now.plusSeconds(grant.expiresIn()));
            current = token;
        }
        return Optional.of(token);
    }
}
