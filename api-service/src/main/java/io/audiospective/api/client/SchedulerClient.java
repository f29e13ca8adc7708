package io.audiospective.api.client;

import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * scheduler-service's admin endpoints for one member (their schedule, a poll on demand), which the dashboard's admin
 * page reaches through api-service: the scheduler has no public address. Each call carries the admin's own API token,
 * and the scheduler checks the role itself; its answers, problems included, come back as they were. Not retried: an
 * admin clicks again, and a repeated poll-now would publish a second batch. A scheduler that does not answer is a
 * {@link ProcessingException}, or fault tolerance's own exception once the timeout or the open breaker says so.
 */
@ApplicationScoped
public class SchedulerClient {

    /** The scheduler's answer as it came: status, media type and body. */
    public record Answer(int status, String mediaType, String body) {}

    private final SchedulerAdminApi api;

    SchedulerClient(@RestClient SchedulerAdminApi api) {
        this.api = api;
    }

    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 30, delayUnit = ChronoUnit.SECONDS)
    public Answer schedule(String userId, String authorization) {
        try (Response response = api.schedule(userId, authorization)) {
            return answer(response);
        } catch (WebApplicationException e) {
            return answer(e.getResponse());
        }
    }

    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.75, delay = 30, delayUnit = ChronoUnit.SECONDS)
    public Answer pollNow(String userId, String authorization) {
        try (Response response = api.pollNow(userId, authorization)) {
            return answer(response);
        } catch (WebApplicationException e) {
            return answer(e.getResponse());
        }
    }

    /** The default mapper turns the scheduler's 4xx and 5xx into an exception: its answer is still the answer. */
    private static Answer answer(Response response) {
        MediaType type = response.getMediaType();
        return new Answer(
                response.getStatus(),
                type == null ? MediaType.APPLICATION_JSON : type.toString(),
                response.hasEntity() ? response.readEntity(String.class) : "");
    }
}
