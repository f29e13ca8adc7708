package io.audiospective.auth.rest;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.audiospective.auth.client.RefreshOutcomeUnknownException;
import io.audiospective.auth.client.SpotifyUnavailableException;

/** Every error leaves as problem details with a useful message and never with a stack trace. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

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
        return Problem.response(Response.Status.SERVICE_UNAVAILABLE,
                "Spotify accounts failed repeatedly; calls are paused for a moment");
    }

    @ServerExceptionMapper
    public Response spotifyTimeout(TimeoutException e) {
        return Problem.response(Response.Status.SERVICE_UNAVAILABLE, "Spotify accounts did not answer in time");
    }

    /**
     * A path or query parameter that is not of its type (an id that is no number): RESTEasy calls it 404, but the
     * request is malformed, not aimed at something missing.
     */
    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        if (e.getCause() instanceof IllegalArgumentException) {
            return Problem.response(Response.Status.BAD_REQUEST, "A parameter of this request is not valid: "
                    + e.getCause().getMessage());
        }
        return webApplication(e);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        Response.Status status = Response.Status.fromStatusCode(e.getResponse().getStatus());
        return Problem.response(e.getResponse().getStatus(), "about:blank",
                status == null ? "Error" : status.getReasonPhrase(), e.getMessage());
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 100)
    public Response unexpected(RuntimeException e) {
        LOG.error("Unexpected error", e);
        return Problem.response(Response.Status.INTERNAL_SERVER_ERROR, "An unexpected error occurred");
    }
}
