package io.audiospective.archive.client;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A user's Spotify access token as handed out by auth-service. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AccessToken(String accessToken, Instant expiresAt) {

    @Override
    public String toString() {
        return "AccessToken[expiresAt=" + expiresAt + "]";
    }
}
