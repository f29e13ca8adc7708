package io.audiospective.scheduler.rest;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.audiospective.scheduler.messaging.BatchPublisher.PublishException;
import io.audiospective.scheduler.service.UserNotFoundException;
import io.audiospective.scheduler.service.UserNotPollableException;
import io.audiospective.support.rest.Problem;

/**
 * The scheduler's own failures as problem details. Everything else is answered by service-support's
 * {@link io.audiospective.support.rest.ProblemMappers}.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response unknownUser(UserNotFoundException e) {
        return Problem.response(404, Problem.ABOUT_BLANK, "User not found", e.getMessage());
    }

    @ServerExceptionMapper
    public Response notPollable(UserNotPollableException e) {
        return Problem.response(409, Problem.ABOUT_BLANK, "User cannot be polled", e.getMessage());
    }

    @ServerExceptionMapper
    public Response kafkaUnavailable(PublishException e, UriInfo uri) {
        LOG.warnf("Admin request %s failed: %s", uri.getPath(), e.getMessage());
        return Problem.response(
                503, Problem.ABOUT_BLANK, "Kafka unavailable", "The batch could not be published: " + e.getMessage());
    }
}
