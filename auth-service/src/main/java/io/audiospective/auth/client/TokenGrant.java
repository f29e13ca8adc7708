package io.audiospective.auth.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Spotify's answer to a token request; {@code refreshToken} is null when Spotify did not rotate it. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TokenGrant(
        @JsonProperty("access_token") String accessToken,
        @JsonProperty("expires_in") long expiresIn,
        @JsonProperty("refresh_token") String refreshToken) {

    @Override
    public String toString() {
        return "TokenGrant[expiresIn=" + expiresIn + ", rotated=" + (refreshToken != null) + "]";
    }
}
