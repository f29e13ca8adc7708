package io.audiospective.auth.service;

import java.time.Instant;

/** What a worker gets when it asks for a user's Spotify access token. */
public sealed interface AccessTokenResult {

    record Granted(String accessToken, Instant expiresAt) implements AccessTokenResult {

        @Override
        public String toString() {
            return "Granted[expiresAt=" + expiresAt + "]";
        }
    }

    /** Spotify no longer accepts the user's authorisation; they must sign in again. */
    record NeedsReauth() implements AccessTokenResult {}

    record UnknownUser() implements AccessTokenResult {}
}
