package io.audiospective.archive.client;

import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.audiospective.archive.config.ArchiveConfig;
import io.audiospective.model.FailureKind;
import io.audiospective.model.SpotifyAccessToken;
import io.audiospective.model.TokenFingerprint;

/** Fresh Spotify access tokens from auth-service, guarded by timeout, retry and circuit breaker. */
@ApplicationScoped
public class AuthClient {

    private final AuthApi api;
    private final String credential;

    AuthClient(@RestClient AuthApi api, ArchiveConfig config) {
        this.api = api;
        this.credential = "Bearer " + config.serviceToken();
    }

    /**
     * A user's access token valid for a few more minutes; {@code rejected}, when not null, names the token Spotify
     * just refused, so auth-service renews it instead of handing it out again.
     */
    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 200, jitter = 100, retryOn = TransientFailureException.class)
    @CircuitBreaker(
            requestVolumeThreshold = 20,
            failureRatio = 0.5,
            delay = 10,
            delayUnit = ChronoUnit.SECONDS,
            failOn = TransientFailureException.class)
    public SpotifyAccessToken accessToken(String userId, TokenFingerprint rejected) {
        Response response;
        try {
            response = api.accessToken(userId, rejected == null ? null : rejected.value(), credential);
        } catch (ProcessingException e) {
            throw new TransientFailureException("auth-service unreachable: " + e.getMessage());
        }
        try (response) {
            return switch (response.getStatus()) {
                case 200 -> response.readEntity(SpotifyAccessToken.class);
                case 404 -> throw new PollFailedException(FailureKind.AUTH, null, "auth-service has no such member");
                case 409 -> throw new PollFailedException(FailureKind.AUTH, null, "the user must sign in again");
                case 401, 403 ->
                    throw new PollFailedException(
                            FailureKind.UNKNOWN, null, "auth-service refused this worker's service credential");
                default -> throw new TransientFailureException("auth-service answered " + response.getStatus());
            };
        }
    }

    /**
     * The app's own access token (client credentials) for catalogue look-ups, which must not borrow a member's
     * token. A {@link TransientFailureException} when auth-service has none to give (no client secret configured,
     * Spotify unavailable).
     */
    @Timeout(value = 15, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 200, jitter = 100, retryOn = TransientFailureException.class)
    public SpotifyAccessToken appAccessToken() {
        Response response;
        try {
            response = api.appAccessToken(credential);
        } catch (ProcessingException e) {
            throw new TransientFailureException("auth-service unreachable: " + e.getMessage());
        }
        try (response) {
            if (response.getStatus() == 200) {
                return response.readEntity(SpotifyAccessToken.class);
            }
            throw new TransientFailureException("auth-service gave no app token: " + response.getStatus());
        }
    }
}
