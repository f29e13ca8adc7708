package io.audiospective.auth.client;

import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.audiospective.auth.config.AuthConfig;

/**
 * Token refreshes at Spotify, guarded by a timeout and a circuit breaker. PKCE refresh tokens are single-use, so a
 * refresh is retried only when Spotify certainly did not process it (connection refused, 429, 502-504): retrying
 * after a lost answer would present an already rotated token and cost the user their authorisation. For the same
 * reason a sent refresh waits long for its answer (Spotify may have rotated the token already, and the answer is
 * the only copy of the new one): the timeout is far above Spotify's slowest answers, and an answer that still does
 * not come is reported as Spotify being unavailable, never as a refused token.
 */
@ApplicationScoped
public class SpotifyAccountsClient {

    private final SpotifyAccountsApi api;
    private final String clientId;

    SpotifyAccountsClient(@RestClient SpotifyAccountsApi api, AuthConfig config) {
        this.api = api;
        this.clientId = config.spotify().clientId();
    }

    @Timeout(value = 40, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 300, jitter = 200, retryOn = SpotifyUnavailableException.class)
    @CircuitBreaker(
            requestVolumeThreshold = 10,
            failureRatio = 0.5,
            delay = 15,
            delayUnit = ChronoUnit.SECONDS,
            skipOn = InvalidGrantException.class)
    public TokenGrant refresh(String refreshToken) {
        Response response;
        try {
            response = api.refresh("refresh_token", refreshToken, clientId);
        } catch (ProcessingException e) {
            if (e.getCause() instanceof ConnectException) {
                throw new SpotifyUnavailableException("Spotify accounts unreachable");
            }
            // sent, but no answer: Spotify may have rotated the token, so this is not retried in place
            throw new RefreshOutcomeUnknownException("Spotify accounts did not answer: " + e.getMessage());
        }
        try (response) {
            int status = response.getStatus();
            if (status == 200) {
                return response.readEntity(TokenGrant.class);
            }
            if (status == 429 || status == 502 || status == 503 || status == 504) {
                throw new SpotifyUnavailableException("Spotify accounts answered " + status);
            }
            Map<?, ?> error = readError(response);
            if (status == 400 && "invalid_grant".equals(error.get("error"))) {
                throw new InvalidGrantException(String.valueOf(error.get("error_description")));
            }
            throw new IllegalStateException("Spotify accounts answered " + status + " " + error.get("error"));
        }
    }

    /**
     * An app token (client-credentials flow with the app's secret): no member's authorisation behind it, for
     * catalogue look-ups. Nothing rotates here, so every failure may be retried.
     */
    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 300, jitter = 200, retryOn = SpotifyUnavailableException.class)
    public TokenGrant appToken(String clientSecret) {
        String basic = "Basic "
                + Base64.getEncoder().encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
        Response response;
        try {
            response = api.clientCredentials("client_credentials", basic);
        } catch (ProcessingException e) {
            throw new SpotifyUnavailableException("Spotify accounts unreachable: " + e.getMessage());
        }
        try (response) {
            int status = response.getStatus();
            if (status == 200) {
                return response.readEntity(TokenGrant.class);
            }
            if (status == 429 || status >= 500) {
                throw new SpotifyUnavailableException("Spotify accounts answered " + status);
            }
            throw new IllegalStateException("Spotify accounts refused the app's client credentials: " + status + " "
                    + readError(response).get("error"));
        }
    }

    private static Map<?, ?> readError(Response response) {
        try {
            return response.readEntity(Map.class);
        } catch (RuntimeException e) {
            return Map.of();
        }
    }
}
