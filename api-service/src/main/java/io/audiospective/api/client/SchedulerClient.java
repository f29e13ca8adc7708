package io.audiospective.api.client;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.api.config.ApiConfig;
import io.audiospective.support.rest.ProblemException;

/**
 * scheduler-service's admin endpoints for one member (their schedule, a poll on demand), which the dashboard's admin
 * page reaches through api-service: the scheduler has no public address. Each call carries the admin's own API token,
 * and the scheduler checks the role itself.
 */
@ApplicationScoped
public class SchedulerClient {

    /** The scheduler's answer as it came: status, media type and body. */
    public record Answer(int status, String mediaType, String body) {}

    static final String UNREACHABLE_TYPE = "urn:audiospective:problem:scheduler-unreachable";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final URI base;

    SchedulerClient(ApiConfig config) {
        this.base = config.schedulerUrl();
    }

    public Answer schedule(String userId, String authorization) {
        return send(HttpRequest.newBuilder(uri(userId, "schedule")).GET(), authorization);
    }

    public Answer pollNow(String userId, String authorization) {
        return send(
                HttpRequest.newBuilder(uri(userId, "poll-now")).POST(HttpRequest.BodyPublishers.noBody()),
                authorization);
    }

    private URI uri(String userId, String action) {
        String id = URLEncoder.encode(userId, StandardCharsets.UTF_8).replace("+", "%20");
        return base.resolve("/admin/users/" + id + "/" + action);
    }

    private Answer send(HttpRequest.Builder request, String authorization) {
        try {
            HttpResponse<String> response = http.send(
                    request.header("Authorization", authorization)
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse("application/json"),
                    response.body());
        } catch (IOException e) {
            throw unreachable();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable();
        }
    }

    private static ProblemException unreachable() {
        return new ProblemException(502, UNREACHABLE_TYPE, "scheduler-service did not answer; try again in a moment");
    }
}
