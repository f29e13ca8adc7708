package io.audiospective.systemtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What each service answers, while PostgreSQL is away, a request that needs it: problem details with 503 and a
 * {@code Retry-After}, which a client and a load balancer know to retry, not a 500 that reads as a bug.
 */
final class OutageAnswers {

    /** One request's answer. */
    record Answer(String request, int status, String contentType, String retryAfter) {

        boolean retryable() {
            return status == 503 && contentType.startsWith("application/problem+json") && !retryAfter.isEmpty();
        }

        @Override
        public String toString() {
            return request + " -> " + status + " " + contentType
                    + (retryAfter.isEmpty() ? "" : ", Retry-After " + retryAfter);
        }
    }

    private OutageAnswers() {}

    /** Asks auth-service, api-service and the scheduler once each, about a member none of them has cached. */
    static List<Answer> ask(LocalSystem system) throws IOException, InterruptedException {
        String member = "outage-probe-" + UUID.randomUUID();
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<Answer> answers = new ArrayList<>();
        answers.add(ask(
                client,
                "auth-service: a member's Spotify access token",
                system.auth().url().resolve("/internal/users/" + member + "/access-token"),
                system.serviceToken()));
        answers.add(ask(
                client,
                "api-service: a member's summary",
                system.api().url().resolve("/api/v1/me/stats/summary"),
                system.memberToken(member)));
        answers.add(ask(
                client,
                "scheduler-service: a member's schedule",
                system.scheduler().url().resolve("/admin/users/" + member + "/schedule"),
                system.adminToken()));
        return answers;
    }

    private static Answer ask(HttpClient client, String request, URI uri, String token)
            throws IOException, InterruptedException {
        HttpResponse<Void> response = client.send(
                HttpRequest.newBuilder(uri)
                        .header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        return new Answer(
                request,
                response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(""),
                response.headers().firstValue("Retry-After").orElse(""));
    }
}
