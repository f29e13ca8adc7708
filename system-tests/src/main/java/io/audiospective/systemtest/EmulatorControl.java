package io.audiospective.systemtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;

/** The Spotify emulator's control and ground-truth endpoints ({@code /emulator/...}). */
public final class EmulatorControl {

    /** One play as the emulator knows it happened. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TruePlay(
            long playedAtMs, String trackId, boolean counted, long visibleAtMs, boolean inRecentlyPlayed) {

        public Instant playedAt() {
            return Instant.ofEpochMilli(playedAtMs);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record GroundTruth(long nowMs, List<TruePlay> plays) {}

    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final URI base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public EmulatorControl(URI base) {
        this.base = base;
    }

    /** Creates (idempotently) {@code count} users of a profile; ids are {@code <prefix>-<seed>-<n>}. */
    public List<String> createUsers(String profile, int count, long seed, String prefix) {
        send("POST", "/emulator/users", Map.of("count", count, "profile", profile, "seed", seed, "prefix", prefix));
        return IntStream.rangeClosed(1, count)
                .mapToObj(n -> prefix + "-" + seed + "-" + n)
                .toList();
    }

    /** Partial settings update, e.g. {@code server_error_rate}, {@code latency}, {@code too_many_requests_rate}. */
    public void settings(Map<String, Object> update) {
        send("PUT", "/emulator/settings", update);
    }

    public void resetSettings() {
        send("POST", "/emulator/settings/reset", Map.of());
    }

    public void revokeRefreshTokens(String userId) {
        send("POST", "/emulator/users/" + userId + "/revoke-refresh-tokens", Map.of());
    }

    public void expireRefreshTokens(String userId) {
        send("POST", "/emulator/users/" + userId + "/expire-refresh-tokens", Map.of());
    }

    public void expireAccessTokens(String userId) {
        send("POST", "/emulator/users/" + userId + "/expire-access-tokens", Map.of());
    }

    /** Every counted play (>= 30 s) with played_at in [from, to), oldest first. */
    public List<TruePlay> plays(String userId, Instant from, Instant to) {
        String body = send(
                "GET",
                "/emulator/users/" + userId + "/plays?from=" + from.toEpochMilli() + "&to=" + to.toEpochMilli(),
                null);
        try {
            return JSON.readValue(body, GroundTruth.class).plays().stream()
                    .filter(TruePlay::counted)
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException("Unreadable ground truth for " + userId + ": " + e.getMessage(), e);
        }
    }

    /** Requests the emulator served, by endpoint and status. */
    public Map<String, Map<String, Long>> counters() {
        try {
            return JSON.readValue(
                    send("GET", "/emulator/counters", null),
                    JSON.getTypeFactory()
                            .constructMapType(
                                    Map.class,
                                    JSON.constructType(String.class),
                                    JSON.getTypeFactory().constructMapType(Map.class, String.class, Long.class)));
        } catch (IOException e) {
            throw new IllegalStateException("Unreadable counters: " + e.getMessage(), e);
        }
    }

    private String send(String method, String path, Object body) {
        try {
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(
                        method + " " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
