package io.audiospective.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import org.eclipse.microprofile.config.ConfigProvider;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.audiospective.testing.TcpForwarder;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * api-service's statistics API as auth-service's tests see it: a JDK HTTP server on the port this global test
 * resource reserves ({@value #PORT}), started by a test with {@link #up()} and stopped with {@link #down()} (api-service
 * out of reach). It answers {@code /api/v1/me} (the zone), {@code /stats/summary} and {@code /stats/top/{kind}} with
 * what a test gave for the member the bearer token names, and keeps every request so the test can check its window and token.
 */
public class ApiStatsStub implements QuarkusTestResourceLifecycleManager {

    public static final String PORT = "audiospective.test.api-stats-port";

    /** A request as received: its path and query, and the bearer token. */
    public record Request(String pathAndQuery, String token) {}

    /** What the stub answers for a member; {@code topArtists}/{@code topTracks} are the items' JSON. */
    public record Answers(String timeZone, long plays, long ms, String topArtists, String topTracks) {}

    private static final Map<String, Answers> ANSWERS = new ConcurrentHashMap<>();
    private static final List<Request> REQUESTS = new CopyOnWriteArrayList<>();
    private static HttpServer server;

    @Override
    public Map<String, String> start() {
        return Map.of(PORT, Integer.toString(TcpForwarder.freePort()));
    }

    @Override
    public void stop() {
        down();
    }

    public static void answer(String userId, Answers answers) {
        ANSWERS.put(userId, answers);
    }

    public static List<Request> requestsOf(String userId) {
        return REQUESTS.stream()
                .filter(request -> userId.equals(subject(request.token())))
                .toList();
    }

    public static synchronized void up() {
        if (server != null) {
            return;
        }
        int port = ConfigProvider.getConfig().getValue(PORT, Integer.class);
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/api/v1/me", ApiStatsStub::handle);
        server.start();
    }

    public static synchronized void down() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    private static void handle(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String token = authorization == null ? null : authorization.replaceFirst("^Bearer ", "");
        URI uri = exchange.getRequestURI();
        REQUESTS.add(new Request(uri.getRawPath() + "?" + uri.getRawQuery(), token));
        Answers answers = token == null ? null : ANSWERS.get(subject(token));
        String body;
        int status = 200;
        if (answers == null) {
            status = 401;
            body = "{\"title\":\"Unauthorized\"}";
        } else if (uri.getPath().equals("/api/v1/me")) {
            body = "{\"userId\":\"" + subject(token) + "\",\"timeZone\":\"" + answers.timeZone() + "\"}";
        } else if (uri.getPath().endsWith("/summary")) {
            body = "{\"plays\":" + answers.plays() + ",\"ms\":" + answers.ms() + ",\"minutes\":0,\"distinctTracks\":3}";
        } else if (uri.getPath().endsWith("/top/artists")) {
            body = "{\"kind\":\"artists\",\"items\":" + answers.topArtists() + "}";
        } else if (uri.getPath().endsWith("/top/tracks")) {
            body = "{\"kind\":\"tracks\",\"items\":" + answers.topTracks() + "}";
        } else {
            status = 404;
            body = "{}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** The token's subject, read without checking it (the test checks the token with auth-service's verifier). */
    static String subject(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return null;
        }
        String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        java.util.regex.Matcher sub =
                java.util.regex.Pattern.compile("\"sub\":\"([^\"]+)\"").matcher(payload);
        return sub.find() ? sub.group(1) : null;
    }
}
