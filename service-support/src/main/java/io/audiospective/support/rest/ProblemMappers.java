package io.audiospective.support.rest;

import java.time.Duration;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.audiospective.support.messaging.Failures;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/**
 * How every service answers an error: problem details with a useful message, never a stack trace. A service maps
 * only its own exceptions (to a {@link Problem}); this class is picked up from service-support's index by every
 * service that serves REST.
 */
public class ProblemMappers {

    public static final String UNAUTHORIZED_TYPE = "urn:audiospective:problem:unauthorized";
    public static final String FORBIDDEN_TYPE = "urn:audiospective:problem:forbidden";
    public static final String DEPENDENCY_UNAVAILABLE_TYPE = "urn:audiospective:problem:dependency-unavailable";

    /** How long a client is asked to wait before trying again while a dependency is away. */
    static final int DEPENDENCY_RETRY_AFTER_SECONDS = 5;

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        Response response = e.problem().toResponse();
        if (e.retryAfter() == null) {
            return response;
        }
        long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
        return Response.fromResponse(response).header("Retry-After", seconds).build();
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return Problem.response(
                401, UNAUTHORIZED_TYPE, "Send a valid API token from auth-service as 'Authorization: Bearer <token>'");
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return Problem.response(
                403,
                FORBIDDEN_TYPE,
                "Your API token does not grant access to this resource (its roles or its member do not match)");
    }

    /**
     * A path or query parameter that is not of its type (an id that is no number): RESTEasy calls it 404, but the
     * request is malformed, not aimed at something missing.
     */
    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        if (e.getCause() instanceof IllegalArgumentException invalid) {
            return ProblemException.badRequest("A parameter of this request is not valid: " + invalid.getMessage())
                    .problem()
                    .toResponse();
        }
        return webApplication(e);
    }

    /** What RESTEasy itself refuses (an unknown path, a wrong method, an unreadable body): its status, in words. */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        return Problem.response(e.getResponse().getStatus(), Problem.ABOUT_BLANK, e.getMessage());
    }

    /**
     * What nobody mapped. A database, cache or broker that is away or busy ({@link Failures#classify}) is a 503 the
     * client may retry, logged in one line (an outage fails every request: a stack trace each would bury the log); the
     * rest is a bug, a plain 500 whose stack trace is in the log.
     */
    @ServerExceptionMapper(priority = Priorities.USER + 100)
    public Response unexpected(Throwable e) {
        if (Failures.classify(e) == Failures.Kind.INFRASTRUCTURE) {
            LOG.warnf("A request failed on an unavailable dependency: %s", Failures.describe(e));
            return problem(ProblemException.serviceUnavailable(
                    DEPENDENCY_UNAVAILABLE_TYPE,
                    "A service this request depends on (the database, the cache or the message broker) is "
                            + "unavailable at the moment; try again in a few seconds",
                    Duration.ofSeconds(DEPENDENCY_RETRY_AFTER_SECONDS)));
        }
        LOG.error("Unexpected error", e);
        return Problem.response(
                500,
                Problem.ABOUT_BLANK,
                "The service could not handle the request (" + e.getClass().getSimpleName()
                        + "); the details are in its log");
    }
}
