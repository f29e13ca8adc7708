package io.audiospective.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.audiospective.model.SpotifyAccessToken;
import io.audiospective.testing.SpotifyEmulatorTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts the Spotify emulator and, in front of it, a small stand-in for auth-service's internal access-token
 * endpoint (auth-service itself is proven in its own module). Tokens are real: the stand-in authorises each user
 * at the emulator once (PKCE, login_hint) and refreshes with rotation on every request, so a revoked user gets
 * the same 409 needs-reauth answer auth-service gives. The app token comes from the emulator's client-credentials
 * flow, as auth-service gets it. Tests read how often each was asked for.
 */
public class AuthServiceStub implements QuarkusTestResourceLifecycleManager {

    private static final String CLIENT_ID = "audiospective-local";
    private static final String REDIRECT_URI = "http://127.0.0.1/login/spotify";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Writes times as auth-service's Quarkus ObjectMapper does: ISO-8601 text. */
    private static final ObjectMapper CONTRACT_JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private final SpotifyEmulatorTestResource emulator = new SpotifyEmulatorTestResource();
    private static final String CLIENT_SECRET = "audiospective-local-secret";
    private static final Map<String, AtomicInteger> TOKEN_REQUESTS = new ConcurrentHashMap<>();
    private static final AtomicInteger APP_TOKEN_REQUESTS = new AtomicInteger();

    private final Map<String, String> refreshTokens = new ConcurrentHashMap<>();
    private final HttpClient http =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private HttpServer server;
    private String emulatorUrl;
    private String serviceToken;

    @Override
    public Map<String, String> start() {
        emulatorUrl = emulator.start().get(SpotifyEmulatorTestResource.URL_PROPERTY);
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        serviceToken = Base64.getUrlEncoder().encodeToString(secret);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext(SpotifyAccessToken.BASE_PATH + "/users/", this::accessToken);
        server.createContext(SpotifyAccessToken.BASE_PATH + SpotifyAccessToken.APP_PATH, this::appAccessToken);
        server.start();
        Map<String, String> config = new HashMap<>();
        config.put(SpotifyEmulatorTestResource.URL_PROPERTY, emulatorUrl);
        config.put("quarkus.rest-client.spotify-api.url", emulatorUrl);
        config.put(
                "quarkus.rest-client.auth-service.url",
                "http://127.0.0.1:" + server.getAddress().getPort());
        config.put("audiospective.archive.service-token", serviceToken);
        return config;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
        emulator.stop();
    }

    /** How often the worker asked for this user's access token. */
    static int tokenRequests(String userId) {
        AtomicInteger n = TOKEN_REQUESTS.get(userId);
        return n == null ? 0 : n.get();
    }

    /** How often the worker asked for the app token. */
    static int appTokenRequests() {
        return APP_TOKEN_REQUESTS.get();
    }

    private void appAccessToken(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!("Bearer " + serviceToken).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                respond(exchange, 401, "{}");
                return;
            }
            APP_TOKEN_REQUESTS.incrementAndGet();
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(emulatorUrl + "/api/token"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .header(
                                    "Authorization",
                                    "Basic "
                                            + Base64.getEncoder()
                                                    .encodeToString((CLIENT_ID + ":" + CLIENT_SECRET)
                                                            .getBytes(StandardCharsets.UTF_8)))
                            .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode grant = JSON.readTree(response.body());
            Instant expiresAt =
                    Instant.now().plusSeconds(grant.get("expires_in").asLong());
            respond(exchange, 200, accessTokenBody(grant.get("access_token").asText(), expiresAt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            respond(exchange, 503, "{}");
        }
    }

    private void accessToken(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!("Bearer " + serviceToken).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                respond(exchange, 401, "{}");
                return;
            }
            String userId = exchange.getRequestURI().getPath().split("/")[3];
            TOKEN_REQUESTS.computeIfAbsent(userId, id -> new AtomicInteger()).incrementAndGet();
            JsonNode grant = refreshTokens.containsKey(userId) ? refresh(userId) : authorize(userId);
            if (grant.has("error")) {
                refreshTokens.remove(userId);
                respond(exchange, 409, "{\"type\":\"" + SpotifyAccessToken.NEEDS_REAUTH_TYPE + "\",\"status\":409}");
                return;
            }
            if (grant.hasNonNull("refresh_token")) {
                refreshTokens.put(userId, grant.get("refresh_token").asText());
            }
            Instant expiresAt =
                    Instant.now().plusSeconds(grant.get("expires_in").asLong());
            respond(exchange, 200, accessTokenBody(grant.get("access_token").asText(), expiresAt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            respond(exchange, 503, "{}");
        }
    }

    /** The 200 body of either access-token endpoint, as the worker's tests assume auth-service serves it. */
    static String accessTokenBody(String accessToken, Instant expiresAt) throws IOException {
        return CONTRACT_JSON.writeValueAsString(new SpotifyAccessToken(accessToken, expiresAt));
    }

    private JsonNode authorize(String userId) throws IOException, InterruptedException {
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes());
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(verifier));
        String authorize = emulatorUrl + "/authorize?client_id=" + CLIENT_ID + "&response_type=code&redirect_uri="
                + encode(REDIRECT_URI) + "&state=s&code_challenge=" + challenge
                + "&code_challenge_method=S256&login_hint=" + encode(userId);
        HttpResponse<String> approved =
                http.send(HttpRequest.newBuilder(URI.create(authorize)).build(), HttpResponse.BodyHandlers.ofString());
        String location = approved.headers()
                .firstValue("Location")
                .orElseThrow(() ->
                        new IllegalStateException("The emulator did not approve " + userId + ": " + approved.body()));
        String code = location.replaceAll(".*[?&]code=([^&]+).*", "$1");
        return token("grant_type=authorization_code&code=" + code + "&redirect_uri=" + encode(REDIRECT_URI)
                + "&client_id=" + CLIENT_ID + "&code_verifier=" + verifier);
    }

    private JsonNode refresh(String userId) throws IOException, InterruptedException {
        return token("grant_type=refresh_token&refresh_token=" + encode(refreshTokens.get(userId)) + "&client_id="
                + CLIENT_ID);
    }

    private JsonNode token(String form) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(emulatorUrl + "/api/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
