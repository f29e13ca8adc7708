package io.audiospective.auth.client;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * A member's time zone and listening numbers over a window of local dates, from api-service's API over HTTP with a
 * member token. Reads only, so every failure may be retried; a circuit breaker stops a monthly run from waiting on a
 * dead api-service member after member. Failures are {@link ApiStatsUnavailableException} (or fault tolerance's own
 * exceptions): the caller decides nothing then, and asks again on its next run.
 */
@ApplicationScoped
public class ApiStatsClient {

    /** How many artists and tracks a summary names. */
    public static final int TOP = 3;

    private final ApiStatsApi api;

    ApiStatsClient(@RestClient ApiStatsApi api) {
        this.api = api;
    }

    /** The zone api-service counts the member's days and months in; null when it has none. */
    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 500, jitter = 200, retryOn = ApiStatsUnavailableException.class)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 60, delayUnit = ChronoUnit.SECONDS)
    public String timeZone(String memberToken) {
        try {
            ApiStatsApi.Me me = api.me("Bearer " + memberToken);
            return me == null ? null : me.timeZone();
        } catch (WebApplicationException | ProcessingException e) {
            throw unavailable(e);
        }
    }

    /** The member's numbers from {@code from} to {@code to} (inclusive, the member's local dates). */
    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 500, jitter = 200, retryOn = ApiStatsUnavailableException.class)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 60, delayUnit = ChronoUnit.SECONDS)
    public Numbers numbers(String memberToken, LocalDate from, LocalDate to) {
        String bearer = "Bearer " + memberToken;
        String start = from.toString();
        String end = to.toString();
        try {
            ApiStatsApi.Summary summary = api.summary(bearer, "custom", start, end);
            if (summary.plays() == 0) {
                return new Numbers(0, 0, List.of(), List.of());
            }
            List<Ranked> artists = ranked(api.top(bearer, "artists", "custom", start, end, TOP), false);
            List<Ranked> tracks = ranked(api.top(bearer, "tracks", "custom", start, end, TOP), true);
            return new Numbers(summary.plays(), summary.ms(), artists, tracks);
        } catch (WebApplicationException | ProcessingException e) {
            throw unavailable(e);
        }
    }

    private static ApiStatsUnavailableException unavailable(RuntimeException e) {
        // names the status or the failure's class only: the message of either may carry the request
        String what = e instanceof WebApplicationException w
                ? "status " + w.getResponse().getStatus()
                : e.getClass().getSimpleName();
        return new ApiStatsUnavailableException("api-service did not answer: " + what, e);
    }

    private static List<Ranked> ranked(ApiStatsApi.Top top, boolean withArtists) {
        if (top == null || top.items() == null) {
            throw new ApiStatsUnavailableException("api-service's top list had no items", null);
        }
        return top.items().stream()
                .limit(TOP)
                .map(item -> new Ranked(
                        item.name(),
                        withArtists && item.artists() != null
                                ? String.join(
                                        ", ",
                                        item.artists().stream()
                                                .map(ApiStatsApi.Artist::name)
                                                .toList())
                                : null,
                        item.plays()))
                .toList();
    }

    /** A month's numbers: plays, listening time in milliseconds, the top artists and tracks (at most {@link #TOP}). */
    public record Numbers(long plays, long ms, List<Ranked> topArtists, List<Ranked> topTracks) {}

    /** An artist or track of a top list; {@code by} names a track's artists, null for an artist. */
    public record Ranked(String name, String by, long plays) {}
}
