package io.audiospective.emulator.rest;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.audiospective.emulator.config.EmulatorConfig;
import io.audiospective.emulator.service.Counters;
import io.audiospective.emulator.service.EmulatorClock;
import io.audiospective.emulator.service.RateLimiter;
import io.audiospective.emulator.service.Settings;
import io.audiospective.emulator.service.SpotifyJson;
import io.audiospective.emulator.service.TokenService;
import io.audiospective.emulator.service.TokenService.AccessGrant;
import io.smallrye.mutiny.Uni;

/**
 * What stands before every Web API call: the bearer token, quota and rate limits, injected faults, latency, and
 * the request counters.
 */
@ApplicationScoped
public class ApiGate {

    private static final int[] SERVER_ERRORS = {500, 502, 503};

    @Inject
    TokenService tokens;

    @Inject
    Settings settings;

    @Inject
    RateLimiter rateLimiter;

    @Inject
    Counters counters;

    @Inject
    EmulatorClock clock;

    @Inject
    SpotifyJson json;

    @Inject
    EmulatorConfig config;

    public String base(UriInfo uriInfo) {
        if (config.publicBaseUrl().isPresent()) {
            return strip(config.publicBaseUrl().get());
        }
        return strip(uriInfo.getBaseUri().toString());
    }

    private static String strip(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** A Web API call: authenticated, rate limited, subject to faults. */
    public Uni<Response> web(String endpoint, String authorization, Function<AccessGrant, Response> work) {
        Settings.Snapshot s = settings.get();
        Response response = decide(s, authorization, work);
        return finish(endpoint, response, s.latency());
    }

    /**
     * An accounts call ({@code /api/token}): 5xx only when {@code faults_on_accounts} is set, answered before the
     * request is processed; latency ({@link Settings.Snapshot#tokenLatency()}) holds back the answer of a processed
     * one, so a refresh has rotated the refresh token before its slow answer arrives.
     */
    public Uni<Response> accounts(String endpoint, Supplier<Response> work) {
        Settings.Snapshot s = settings.get();
        Response response;
        if (s.faultsOnAccounts()
                && s.serverErrorRate() > 0
                && ThreadLocalRandom.current().nextDouble() < s.serverErrorRate()) {
            response = Response.status(503)
                    .type(MediaType.TEXT_HTML)
                    .entity("<html><body>Service unavailable</body></html>")
                    .build();
        } else {
            response = work.get();
        }
        return finish(endpoint, response, s.tokenLatency());
    }

    private Response decide(Settings.Snapshot s, String authorization, Function<AccessGrant, Response> work) {
        TokenService.AccessCheck check = tokens.check(authorization);
        switch (check.result()) {
            case MISSING:
                return error(401, "No token provided");
            case INVALID:
                return error(401, "Invalid access token");
            case EXPIRED:
                return error(401, "The access token expired");
            default:
                break;
        }
        if (s.quotaExceeded()) {
            return Response.status(429)
                    .header("Retry-After", 86_400)
                    .type(MediaType.APPLICATION_JSON)
                    .entity(json.error(429, "QUOTA_EXCEEDED"))
                    .build();
        }
        long retryAfter = rateLimiter.tryAcquire(check.grant().clientId(), clock.nowMs(), s.rateLimitPerWindow());
        if (retryAfter > 0) {
            return tooMany(retryAfter);
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        if (s.tooManyRequestsRate() > 0 && r.nextDouble() < s.tooManyRequestsRate()) {
            return tooMany(Math.max(1, s.retryAfterSeconds()));
        }
        if (s.serverErrorRate() > 0 && r.nextDouble() < s.serverErrorRate()) {
            int status = SERVER_ERRORS[r.nextInt(SERVER_ERRORS.length)];
            String message = switch (status) {
                case 502 -> "Bad gateway.";
                case 503 -> "Service unavailable";
                default -> "Server error.";
            };
            return error(status, message);
        }
        return work.apply(check.grant());
    }

    private Response tooMany(long retryAfterSeconds) {
        return Response.status(429)
                .header("Retry-After", retryAfterSeconds)
                .type(MediaType.APPLICATION_JSON)
                .entity(json.error(429, "API rate limit exceeded"))
                .build();
    }

    public Response error(int status, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(json.error(status, message))
                .build();
    }

    public static Response ok(String body) {
        return Response.ok(body, MediaType.APPLICATION_JSON).build();
    }

    private Uni<Response> finish(String endpoint, Response response, Settings.Latency latency) {
        counters.count(endpoint, response.getStatus());
        long delay = latency.sample();
        Uni<Response> uni = Uni.createFrom().item(response);
        return delay > 0 ? uni.onItem().delayIt().by(Duration.ofMillis(delay)) : uni;
    }
}
