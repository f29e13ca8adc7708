package io.audiospective.scheduler.rest;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.audiospective.scheduler.messaging.BatchPublisher.PublishException;
import io.audiospective.scheduler.service.UserNotFoundException;
import io.audiospective.scheduler.service.UserNotPollableException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/** Every error as application/problem+json with a useful message; never a stack trace. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    static final String PROBLEM_JSON = "application/problem+json";

    @ServerExceptionMapper
    public Response unknownUser(UserNotFoundException e, UriInfo uri) {
        return problem(404, "User not found", e.getMessage(), uri);
    }

    @ServerExceptionMapper
    public Response notPollable(UserNotPollableException e, UriInfo uri) {
        return problem(409, "User cannot be polled", e.getMessage(), uri);
    }

    @ServerExceptionMapper
    public Response kafkaUnavailable(PublishException e, UriInfo uri) {
        LOG.warnf("Admin request %s failed: %s", uri.getPath(), e.getMessage());
        return problem(503, "Kafka unavailable", "The batch could not be published: " + e.getMessage(), uri);
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, UriInfo uri) {
        return problem(401, "Unauthorized",
                "Send an API token from auth-service with the admin role as 'Authorization: Bearer <token>'", uri);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return problem(403, "Forbidden", "Your API token does not have the admin role", uri);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        Response.Status known = Response.Status.fromStatusCode(status);
        return problem(status, known == null ? "Error" : known.getReasonPhrase(), e.getMessage(), uri);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        LOG.errorf(e, "Unexpected error on %s", uri.getPath());
        return problem(500, "Internal error",
                "The scheduler could not handle the request (" + e.getClass().getSimpleName()
                        + "); the details are in its log",
                uri);
    }

    private static Response problem(int status, String title, String detail, UriInfo uri) {
        return Response.status(status).type(PROBLEM_JSON)
                .entity(new Problem("about:blank", title, status, detail, uri.getPath())).build();
    }
}
