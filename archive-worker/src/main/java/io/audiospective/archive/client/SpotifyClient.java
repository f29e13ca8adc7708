package io.audiospective.archive.client;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.audiospective.model.FailureKind;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Spotify Web API calls, guarded by timeout, retry with backoff (5xx, timeouts, unreachable), circuit breaker and
 * bulkhead. A 429 is not retried here: it pauses every worker through the shared {@link SpotifyRateBudget}, and
 * the poller waits it out or gives up as RATE_LIMITED. QUOTA_EXCEEDED is a RATE_LIMITED failure straight away,
 * for every poll while its pause lasts.
 */
@ApplicationScoped
public class SpotifyClient {

    private final SpotifyApi api;
    private final SpotifyRateBudget budget;
    private final MeterRegistry metrics;

    SpotifyClient(@RestClient SpotifyApi api, SpotifyRateBudget budget, MeterRegistry metrics) {
        this.api = api;
        this.budget = budget;
        this.metrics = metrics;
    }

    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 3, delay = 500, jitter = 250, retryOn = TransientFailureException.class)
    @CircuitBreaker(
            requestVolumeThreshold = 20,
            failureRatio = 0.5,
            delay = 15,
            delayUnit = ChronoUnit.SECONDS,
            failOn = TransientFailureException.class)
    @Bulkhead(16)
    public RecentlyPlayedPage recentlyPlayed(String accessToken) {
        Response response;
        try {
            response = api.recentlyPlayed(RecentlyPlayedPage.MAX_ITEMS, "Bearer " + accessToken);
        } catch (ProcessingException e) {
            count("error");
            throw new TransientFailureException("Spotify unreachable: " + e.getMessage());
        }
        try (response) {
            int status = response.getStatus();
            count(String.valueOf(status));
            if (status == 200) {
                return response.readEntity(RecentlyPlayedPage.class);
            }
            if (status == 401) {
                throw new ExpiredAccessTokenException();
            }
            if (status == 429) {
                throw rateLimited(response);
            }
            if (status >= 500) {
                throw new TransientFailureException("Spotify answered " + status);
            }
            throw new PollFailedException(FailureKind.UNKNOWN, null, "Spotify answered " + status);
        }
    }

    /**
     * Artist details: one batch call when the app may use {@code /v1/artists?ids=} (extended quota), else one
     * call per artist (development mode).
     */
    @Timeout(value = 20, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 500, jitter = 250, retryOn = TransientFailureException.class)
    @CircuitBreaker(
            requestVolumeThreshold = 20,
            failureRatio = 0.5,
            delay = 15,
            delayUnit = ChronoUnit.SECONDS,
            failOn = TransientFailureException.class)
    @Bulkhead(4)
    public List<ArtistDetails> artists(List<String> ids, String accessToken, boolean batchEndpoint) {
        if (batchEndpoint) {
            return read(
                            call("artists", () -> api.artists(String.join(",", ids), "Bearer " + accessToken)),
                            ArtistDetails.Batch.class)
                    .artists()
                    .stream()
                    .filter(Objects::nonNull)
                    .toList();
        }
        List<ArtistDetails> details = new ArrayList<>();
        for (String id : ids) {
            Response response = call("artist", () -> api.artist(id, "Bearer " + accessToken));
            if (response.getStatus() == 400 || response.getStatus() == 404) {
                // not an artist Spotify knows (any more): nothing to fill, the others still are
                response.close();
                continue;
            }
            details.add(read(response, ArtistDetails.class));
        }
        return details;
    }

    /**
     * One track's catalogue data ({@code GET /v1/tracks/{id}}), for imported plays; empty when Spotify does not
     * know the id (400/404). A 429 pauses every worker and throws {@link RateLimitedException}.
     */
    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 500, jitter = 250, retryOn = TransientFailureException.class)
    @Bulkhead(4)
    public java.util.Optional<io.audiospective.model.TrackRef> track(String id, String accessToken) {
        Response response = call("track", () -> api.track(id, "Bearer " + accessToken));
        if (response.getStatus() == 400 || response.getStatus() == 404) {
            response.close();
            return java.util.Optional.empty();
        }
        if (response.getStatus() == 401) {
            response.close();
            throw new ExpiredAccessTokenException();
        }
        return java.util.Optional.of(
                read(response, RecentlyPlayedPage.Track.class).toRef());
    }

    /**
     * Up to 50 tracks in one call ({@code GET /v1/tracks?ids=}, extended quota only), by the id asked for; ids
     * Spotify does not know are absent from the answer.
     */
    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 500, jitter = 250, retryOn = TransientFailureException.class)
    @Bulkhead(4)
    public java.util.Map<String, io.audiospective.model.TrackRef> tracks(List<String> ids, String accessToken) {
        Response response = call("tracks", () -> api.tracks(String.join(",", ids), "Bearer " + accessToken));
        if (response.getStatus() == 401) {
            response.close();
            throw new ExpiredAccessTokenException();
        }
        List<RecentlyPlayedPage.Track> found =
                read(response, RecentlyPlayedPage.Tracks.class).tracks();
        java.util.Map<String, io.audiospective.model.TrackRef> byId = new java.util.HashMap<>();
        // the answer lists the tracks in the order asked, null where an id is unknown
        for (int i = 0; i < ids.size() && i < found.size(); i++) {
            if (found.get(i) != null) {
                byId.put(ids.get(i), found.get(i).toRef());
            }
        }
        return byId;
    }

    private Response call(String endpoint, Supplier<Response> request) {
        Response response;
        try {
            response = request.get();
        } catch (ProcessingException e) {
            count(endpoint, "error");
            throw new TransientFailureException("Spotify unreachable: " + e.getMessage());
        }
        count(endpoint, String.valueOf(response.getStatus()));
        return response;
    }

    private <T> T read(Response response, Class<T> type) {
        try (response) {
            int status = response.getStatus();
            if (status == 200) {
                return response.readEntity(type);
            }
            if (status == 429) {
                throw rateLimited(response);
            }
            if (status >= 500) {
                throw new TransientFailureException("Spotify answered " + status);
            }
            throw new PollFailedException(FailureKind.UNKNOWN, null, "Spotify answered " + status);
        }
    }

    /** Pauses every worker for the 429's Retry-After and says whether it was for the quota. */
    private RateLimitedException rateLimited(Response response) {
        Duration retryAfter = retryAfter(response);
        boolean quotaExceeded =
                response.hasEntity() && response.readEntity(String.class).contains("QUOTA_EXCEEDED");
        budget.pause(retryAfter, quotaExceeded);
        return new RateLimitedException(retryAfter, quotaExceeded);
    }

    private static Duration retryAfter(Response response) {
        String header = response.getHeaderString("Retry-After");
        try {
            return Duration.ofSeconds(header == null ? 1 : Math.max(1, Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(30);
        }
    }

    private void count(String status) {
        count("recently-played", status);
    }

    private void count(String endpoint, String status) {
        metrics.counter("spotify.calls", "endpoint", endpoint, "status", status).increment();
    }
}
