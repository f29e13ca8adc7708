package io.audiospective.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What the system tests ask of the running services: authorised HTTP calls, the archive's counts, and waits. */
final class SystemCalls {

    static final ObjectMapper JSON = new ObjectMapper();

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private SystemCalls() {}

    /** A check that may throw; a waiting probe's answer is {@code null} (or {@code false}) until it is there. */
    interface Probe<T> {
        T get() throws Exception;
    }

    /** GET with the token; the answer must be 200. */
    static JsonNode get(URI service, String token, String path) throws Exception {
        HttpResponse<String> response = send(service, token, "GET", path, null);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** Any method with the token, and a JSON body when {@code json} is not null. */
    static HttpResponse<String> send(URI service, String token, String method, String path, String json)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(service.resolve(path))
                .header("Authorization", "Bearer " + token)
                .timeout(CALL_TIMEOUT);
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The member's whole history from the read model, newest first, page by page. */
    static List<JsonNode> plays(URI api, String token) throws Exception {
        List<JsonNode> plays = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = get(api, token, "/api/v1/me/plays?limit=500" + (cursor == null ? "" : "&cursor=" + cursor));
            page.get("items").forEach(plays::add);
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
        } while (cursor != null);
        return plays;
    }

    /** Each path's answer as text, in the paths' order: two read models compared answer by answer. */
    static Map<String, String> answers(URI api, String token, List<String> paths) throws Exception {
        Map<String, String> answers = new LinkedHashMap<>();
        for (String path : paths) {
            answers.put(path, get(api, token, path).toString());
        }
        return answers;
    }

    /** How many plays the archive holds for the member. */
    static long archived(LocalSystem system, String member) throws Exception {
        try (Connection db = system.openDatabase();
                PreparedStatement query =
                        db.prepareStatement("SELECT count(*) FROM archive.play_events WHERE user_id = ?")) {
            query.setString(1, member);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * The probe's first answer that is neither null nor false. A probe that throws is asked again (the system may be
     * restarting), unless an assertion failed; on time-out the failure names what was awaited.
     */
    static <T> T await(String what, Duration atMost, Probe<T> probe) {
        return await(what, atMost, probe, () -> "not there");
    }

    /** As {@link #await(String, Duration, Probe)}; on time-out {@code explain} says what was found instead. */
    static <T> T await(String what, Duration atMost, Probe<T> probe, Probe<String> explain) {
        try {
            return Awaitility.await(what)
                    .atMost(atMost)
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptionsMatching(e -> !(e instanceof AssertionError))
                    .until(probe::get, value -> value != null && !Boolean.FALSE.equals(value));
        } catch (ConditionTimeoutException e) {
            String found;
            try {
                found = explain.get();
            } catch (Exception failure) {
                found = failure.toString();
            }
            throw new AssertionError(what + " within " + atMost + ": " + found, e);
        }
    }
}
