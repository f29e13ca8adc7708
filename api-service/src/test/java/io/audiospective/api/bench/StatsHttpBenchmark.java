package io.audiospective.api.bench;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.audiospective.api.Tokens;
import io.audiospective.api.service.ReadModelService;
import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.TrackRef;
import io.audiospective.support.sql.Db;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Not a test: a benchmark, run on demand with {@code ../mvnw verify -Dbenchmark=true -Dtest=StatsHttpBenchmark
 * [-Dhttp.plays=500000] [-Dhttp.connections=16] [-Dhttp.requests=20000] [-Dhttp.rounds=5] [-Dhttp.first-reads=1000]
 * [-Dhttp.first-reads-warm-up=100]}. One member with {@code http.plays} plays (as {@link StatsBenchmark} loads them);
 * over HTTP on 127.0.0.1 to this process, a fixed number of requests from {@code http.connections} concurrent clients,
 * in rounds where {@code /q/health/live} and each repeated stats read (answered from the answer cache after the
 * first) take turns: the median requests per second of each, and its share of the health endpoint's. Then the first,
 * uncached read of a year window after each of {@code http.first-reads} new plays (each play gives the member a new
 * version, so nothing cached applies; {@code http.first-reads-warm-up} before them are not counted), as p50/p99, next
 * to liveness and readiness read the same way, one request at a time. A thousand by default: p99 is then the tenth
 * slowest read, where of 400 it was the fourth, which one stall of the shared machine decided.
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class StatsHttpBenchmark {

    static final int PLAYS = Integer.getInteger("http.plays", 500_000);
    static final int CONNECTIONS = Integer.getInteger("http.connections", 16);
    static final int REQUESTS = Integer.getInteger("http.requests", 20_000);
    static final int ROUNDS = Integer.getInteger("http.rounds", 5);
    static final int FIRST_READS = Integer.getInteger("http.first-reads", 1000);
    static final int FIRST_READS_WARM_UP = Integer.getInteger("http.first-reads-warm-up", 100);
    static final String HEALTH = "/q/health/live";
    /** Readiness asks PostgreSQL and Redis, as a first read does: the floor of a request that waits on both. */
    static final String READY = "/q/health/ready";

    @Inject
    Db db;

    @Inject
    ReadModelService readModel;

    @Inject
    Tokens tokens;

    @TestHTTPResource("/")
    URL base;

    @Test
    void benchmark() throws Exception {
        String user = "bench-http-" + UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            db.update("INSERT INTO user_settings (user_id, time_zone) VALUES (?, ?)", user, "Asia/Kolkata");
            db.update("""
                    INSERT INTO plays (user_id, played_at, track_id, track_name, album_id, album_name, artist_ids,
                                       artist_names, ms_played, source)
                    SELECT ?, timestamptz '2021-01-01 00:00:00+00' + make_interval(secs => i * 300 + (i * 7919) % 240),
                           'bt' || (i * 7919) % 5000, 'Track', 'bal' || ((i * 7919) % 5000) % 1500, 'Album',
                           ARRAY['bar' || ((i * 7919) % 5000) % 800], ARRAY['Artist'], 120000 + (i % 120) * 1000, 'POLL'
                    FROM generate_series(CAST(1 AS bigint), CAST(? AS bigint)) AS i
                    """, user, PLAYS);
        });
        readModel.rebuildUser(user);
        // as autovacuum leaves settled rows: all-visible, so reads of the rollups are index-only scans
        db.update("VACUUM ANALYZE");
        String token = tokens.user(user);
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();

        List<String> paths = List.of(
                HEALTH,
                "/api/v1/me/stats/top/tracks?period=year&date=2024-06-01",
                "/api/v1/me/stats/summary?period=year&date=2024-06-01",
                "/api/v1/me/stats/clock?period=custom&from=2024-03-15&to=2024-06-12");
        // warm-up (JIT, connections, the first answers cached), then rounds in which every path takes its turn, so
        // that none is measured while the process is colder or hotter than for the others
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        for (String path : paths) {
            hammer(client, request(path, path.equals(HEALTH) ? null : token), REQUESTS / 4);
            rates.put(path, new ArrayList<>());
        }
        for (int round = 0; round < ROUNDS; round++) {
            for (String path : paths) {
                rates.get(path).add(hammer(client, request(path, path.equals(HEALTH) ? null : token), REQUESTS));
            }
        }
        double health = median(rates.get(HEALTH));
        List<String> rows = new ArrayList<>();
        rates.forEach((path, perRound) -> rows.add(String.format(
                Locale.ROOT,
                "%-72s %,10.0f req/s  %5.2f of health  (rounds: %s)",
                path,
                median(perRound),
                median(perRound) / health,
                perRound.stream()
                        .map(r -> String.format(Locale.ROOT, "%,.0f", r))
                        .toList())));

        List<Double> healthTimes = new ArrayList<>();
        List<Double> readyTimes = new ArrayList<>();
        List<Double> topTimes = new ArrayList<>();
        List<Double> summaryTimes = new ArrayList<>();
        TrackRef track = new TrackRef(
                "bt-new",
                "New",
                200_000,
                null,
                new AlbumRef("bal-new", "Album", "2020", null),
                List.of(new ArtistRef("bar-new", "Artist")));
        // the cached reads above ran the cache's path hot, not the query's: the first uncached reads run it cold,
        // as a serving process has long stopped doing
        for (int i = 0; i < FIRST_READS_WARM_UP + FIRST_READS; i++) {
            readModel.applyLive(List.of(
                    PlayEvent.polled(user, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i * 600L), track)));
            double healthMs = time(HEALTH, null);
            double readyMs = time(READY, null);
            double topMs = time("/api/v1/me/stats/top/tracks?period=year&date=2024-06-01", token);
            double summaryMs = time("/api/v1/me/stats/summary?period=year&date=2024-06-01", token);
            if (i >= FIRST_READS_WARM_UP) {
                healthTimes.add(healthMs);
                readyTimes.add(readyMs);
                topTimes.add(topMs);
                summaryTimes.add(summaryMs);
            }
        }
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "STATS HTTP BENCHMARK: %,d plays, %d connections, %,d requests per path and round, %d rounds, medians%n",
                PLAYS,
                CONNECTIONS,
                REQUESTS,
                ROUNDS);
        rows.forEach(System.out::println);
        System.out.println(percentiles("the limit: " + HEALTH + ", one request at a time, in turn", healthTimes));
        System.out.println(percentiles("the limit: " + READY + " (PostgreSQL and Redis asked)", readyTimes));
        System.out.println(percentiles("first read after a new play, top tracks year 2024", topTimes));
        System.out.println(percentiles("first read after a new play, summary year 2024", summaryTimes));
        System.out.println();
        readModel.purge(user, Instant.now(), null);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /** Sends {@code count} requests from {@link #CONNECTIONS} clients at once; requests per second. */
    private static double hammer(HttpClient client, HttpRequest request, int count) throws Exception {
        AtomicInteger left = new AtomicInteger(count);
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            workers.add(pool.submit(() -> {
                while (left.getAndDecrement() > 0) {
                    send(client, request);
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        return count / seconds;
    }

    /**
     * Milliseconds of one request on a kept-alive connection of the blocking {@link HttpURLConnection}. Not the
     * {@link HttpClient}: it hands each exchange between its own threads, which added about 2.4 ms to every request
     * sent one at a time here (health p50 3.2 ms against 0.8 ms), more than the reads measured.
     */
    private double time(String path, String token) throws Exception {
        long start = System.nanoTime();
        HttpURLConnection connection = (HttpURLConnection)
                URI.create(base.toString().replaceAll("/$", "") + path).toURL().openConnection();
        if (token != null) {
            connection.setRequestProperty("Authorization", "Bearer " + token);
        }
        int status = connection.getResponseCode();
        try (InputStream body = connection.getInputStream()) {
            body.readAllBytes();
        }
        double ms = (System.nanoTime() - start) / 1e6;
        if (status != 200) {
            throw new IllegalStateException(path + " answered " + status);
        }
        return ms;
    }

    private HttpRequest request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(
                        URI.create(base.toString().replaceAll("/$", "") + path))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder.GET().build();
    }

    private static void send(HttpClient client, HttpRequest request) throws Exception {
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode());
        }
    }

    private static String percentiles(String name, List<Double> times) {
        List<Double> sorted = new ArrayList<>(times);
        Collections.sort(sorted);
        double p50 = sorted.get((int) Math.ceil(0.50 * sorted.size()) - 1);
        double p99 = sorted.get((int) Math.ceil(0.99 * sorted.size()) - 1);
        return String.format(Locale.ROOT, "%-60s p50 %6.2f ms, p99 %6.2f ms (%d reads)", name, p50, p99, sorted.size());
    }
}
