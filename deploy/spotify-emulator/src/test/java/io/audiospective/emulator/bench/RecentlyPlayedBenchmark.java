package io.audiospective.emulator.bench;

import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.audiospective.emulator.service.TokenService;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * Not a test: a benchmark, run on demand with {@code ../../mvnw verify -Dbenchmark=true
 * -Dtest=RecentlyPlayedBenchmark}. Load over loopback: {@code GET /v1/me/player/recently-played?limit=50} for many
 * heavy listeners, a fixed number of requests in flight, bounded by a request count and a duration. Prints
 * requests/s, statuses and latency percentiles. The emulator under load is the one this test starts, in its JVM,
 * unless {@code recently-played.url} names one already running (a packaged jar, measured apart from the load).
 * <p>
 * Parameters, as system properties with their defaults: {@code recently-played.users=50
 * recently-played.concurrency=32 recently-played.seconds=20 recently-played.warmup=5 recently-played.max=400000
 * recently-played.limit=50}, and optionally {@code recently-played.url=http://127.0.0.1:8089}.
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class RecentlyPlayedBenchmark {

    @TestHTTPResource("/")
    URL started;

    @Test
    void benchmark() throws Exception {
        String url = System.getProperty("recently-played.url");
        URI base = url != null ? URI.create(url) : URI.create("http://127.0.0.1:" + started.getPort());
        if (!"127.0.0.1".equals(base.getHost())) {
            throw new IllegalArgumentException("the benchmark only runs against 127.0.0.1");
        }
        int users = Integer.getInteger("recently-played.users", 50);
        int concurrency = Integer.getInteger("recently-played.concurrency", 32);
        int seconds = Integer.getInteger("recently-played.seconds", 20);
        int warmup = Integer.getInteger("recently-played.warmup", 5);
        long max = Long.getLong("recently-played.max", 400000);
        int limit = Integer.getInteger("recently-played.limit", 50);

        List<String> tokens = setUp(base, users);
        System.out.printf(
                "set up %d heavy listeners with tokens; %d in flight, limit=%d%n", tokens.size(), concurrency, limit);

        Vertx vertx = Vertx.vertx();
        try {
            io.vertx.core.http.HttpClient client = vertx.createHttpClient(
                    new HttpClientOptions()
                            .setDefaultHost(base.getHost())
                            .setDefaultPort(base.getPort())
                            .setKeepAlive(true),
                    new PoolOptions().setHttp1MaxSize(concurrency));
            String path = "/v1/me/player/recently-played?limit=" + limit;
            if (warmup > 0) {
                run(client, path, tokens, concurrency, warmup, max, limit, false);
            }
            run(client, path, tokens, concurrency, seconds, max, limit, true);
            client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static void run(
            io.vertx.core.http.HttpClient client,
            String path,
            List<String> tokens,
            int concurrency,
            int seconds,
            long max,
            int limit,
            boolean report)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long[] latencies = new long[(int) Math.min(max, 5_000_000)];
        AtomicInteger recorded = new AtomicInteger();
        AtomicLong sent = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicLong items = new AtomicLong();
        Map<Integer, AtomicLong> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(concurrency);
        long start = System.nanoTime();
        for (int w = 0; w < concurrency; w++) {
            int worker = w;
            new Object() {
                void next() {
                    long n = sent.getAndIncrement();
                    if (n >= max || System.nanoTime() >= deadline) {
                        done.countDown();
                        return;
                    }
                    String token = tokens.get((int) ((n + worker) % tokens.size()));
                    long t0 = System.nanoTime();
                    client.request(new RequestOptions()
                                    .setMethod(HttpMethod.GET)
                                    .setURI(path)
                                    .putHeader("Authorization", "Bearer " + token))
                            .compose(req -> req.send()
                                    .compose(resp -> resp.body().map(body -> {
                                        statuses.computeIfAbsent(resp.statusCode(), k -> new AtomicLong())
                                                .incrementAndGet();
                                        bytes.addAndGet(body.length());
                                        if (resp.statusCode() == 200 && body.length() > 100) {
                                            items.incrementAndGet();
                                        }
                                        return body;
                                    })))
                            .onComplete(ar -> {
                                if (ar.failed()) {
                                    statuses.computeIfAbsent(-1, k -> new AtomicLong())
                                            .incrementAndGet();
                                }
                                int i = recorded.getAndIncrement();
                                if (i < latencies.length) {
                                    latencies[i] = System.nanoTime() - t0;
                                }
                                next();
                            });
                }
            }.next();
        }
        done.await(seconds + 30L, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (!report) {
            System.out.printf("warm-up: %d requests in %.1f s%n", recorded.get(), elapsed);
            return;
        }
        int n = Math.min(recorded.get(), latencies.length);
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        System.out.printf(
                "requests: %d in %.2f s = %.0f requests/s (%.1f MB/s of JSON)%n",
                n, elapsed, n / elapsed, bytes.get() / elapsed / 1e6);
        System.out.printf("statuses: %s%n", new TreeMap<>(statuses));
        System.out.printf(
                "latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n",
                pct(sorted, 0.50),
                pct(sorted, 0.90),
                pct(sorted, 0.99),
                pct(sorted, 0.999),
                sorted.length == 0 ? 0 : sorted[n - 1] / 1e6);
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    /** Creates heavy listeners and logs each in with the PKCE code flow. */
    private static List<String> setUp(URI base, int users) throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        ObjectMapper json = new ObjectMapper();
        HttpResponse<String> created = http.send(
                HttpRequest.newBuilder(base.resolve("/emulator/users"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"count\":" + users
                                + ",\"profile\":\"heavy\",\"seed\":20260101,\"prefix\":\"bench\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 200) {
            throw new IllegalStateException("creating users: " + created.statusCode() + " " + created.body());
        }
        String clientId = System.getProperty("emulator.client-id", "audiospective-local");
        String redirect = "http://127.0.0.1:9/callback";
        List<String> tokens = new ArrayList<>();
        for (JsonNode u : json.readTree(created.body())) {
            String verifier = "bench-verifier-" + u.get("id").asText() + "-0123456789abcdefghijklmnop";
            String authorize = "/authorize?client_id=" + enc(clientId) + "&response_type=code&redirect_uri="
                    + enc(redirect) + "&code_challenge_method=S256&code_challenge="
                    + enc(TokenService.s256(verifier)) + "&scope=user-read-recently-played&login_hint="
                    + enc(u.get("id").asText());
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(base.resolve(authorize)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            String location = r.headers()
                    .firstValue("Location")
                    .orElseThrow(() -> new IllegalStateException("authorize did not redirect: " + r.statusCode()));
            String code = location.substring(location.indexOf("code=") + 5).split("&")[0];
            String form = "grant_type=authorization_code&code=" + code + "&redirect_uri=" + enc(redirect)
                    + "&client_id=" + enc(clientId) + "&code_verifier=" + enc(verifier);
            HttpResponse<String> t = http.send(
                    HttpRequest.newBuilder(base.resolve("/api/token"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(form))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (t.statusCode() != 200) {
                throw new IllegalStateException("token: " + t.statusCode() + " " + t.body());
            }
            tokens.add(json.readTree(t.body()).get("access_token").asText());
        }
        return tokens;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
