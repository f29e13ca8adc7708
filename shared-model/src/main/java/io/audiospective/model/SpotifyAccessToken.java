package io.audiospective.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The body of auth-service's internal access-token answers, which archive-worker reads: a member's Spotify access
 * token ({@value #BASE_PATH}{@value #USER_PATH}, valid for at least 5 more minutes) or the app's own
 * ({@value #BASE_PATH}{@value #APP_PATH}). Both ask with
 * the service credential as bearer token. A member who must sign in again is a 409 problem of type
 * {@value #NEEDS_REAUTH_TYPE}; a member auth-service does not know, a 404. {@link #exampleJson()} is the body as
 * served, which the provider's and the consumer's tests both check against.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SpotifyAccessToken(String accessToken, Instant expiresAt) {

    /** auth-service's endpoints for the other services only. */
    public static final String BASE_PATH = "/internal";

    public static final String USER_PATH = "/users/{userId}/access-token";
    public static final String APP_PATH = "/app-access-token";
    /** Query parameter: the {@link TokenFingerprint} of a token Spotify refused, so it is renewed, not handed out. */
    public static final String REJECTED_PARAMETER = "rejected";

    public static final String NEEDS_REAUTH_TYPE = "urn:audiospective:problem:needs-reauth";

    private static final String EXAMPLE = "spotify-access-token.example.json";

    /** The token is a credential: it never appears in a log line by way of this record. */
    @Override
    public String toString() {
        return "SpotifyAccessToken[expiresAt=" + expiresAt + "]";
    }

    /** An answer of either endpoint as JSON, with made-up values. */
    public static String exampleJson() {
        try (InputStream in = SpotifyAccessToken.class.getResourceAsStream(EXAMPLE)) {
            if (in == null) {
                throw new IllegalStateException(EXAMPLE + " is missing from shared-model");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
