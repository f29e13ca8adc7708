package io.audiospective.auth.rest;

import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.audiospective.auth.client.RefreshOutcomeUnknownException;
import io.audiospective.auth.client.SpotifyUnavailableException;
import io.audiospective.support.rest.Problem;

/**
 * auth-service's own failures as problem details: Spotify accounts out of reach is a 503 the caller may retry.
 * Everything else is answered by service-support's {@link io.audiospective.support.rest.ProblemMappers}.
 */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response spotifyUnavailable(SpotifyUnavailableException e) {
        return Problem.response(Response.Status.SERVICE_UNAVAILABLE, e.getMessage());
    }

    @ServerExceptionMapper
    public Response refreshOutcomeUnknown(RefreshOutcomeUnknownException e) {
        return Problem.response(Response.Status.SERVICE_UNAVAILABLE, "Spotify accounts did not answer in time");
    }

    @ServerExceptionMapper
    public Response spotifyCircuitOpen(CircuitBreakerOpenException e) {
        return Problem.response(
                Response.Status.SERVICE_UNAVAILABLE,
                "Spotify accounts failed repeatedly; calls are paused for a moment");
    }

    @ServerExceptionMapper
    public Response spotifyTimeout(TimeoutException e) {
        return Problem.response(Response.Status.SERVICE_UNAVAILABLE, "Spotify accounts did not answer in time");
    }
}
