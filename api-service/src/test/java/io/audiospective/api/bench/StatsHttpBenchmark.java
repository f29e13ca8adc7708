package io.audiospective.api.bench;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
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
 * [-Dhttp.plays=500000] [-Dhttp.connections=16] [-Dhttp.requests=20000]}. One member with {@code http.plays} plays
 * (as {@link StatsBenchmark} loads them); over HTTP on 127.0.0.1 to this process, a fixed number of requests from
 * {@code http.connections} concurrent clients: {@code /q/health/live}, then repeated stats reads (answered from the
 * Redis answer cache after the first), each as requests per second. Then the first, uncached read of a year window
 * after each of 50 new plays (each play gives the member a new version, so nothing cached applies), as p50/p99.
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class StatsHttpBenchmark {

    static final int PLAYS = Integer.getInteger("http.plays", 500_000);
    static final int CONNECTIONS = Integer.getInteger("http.connections", 16);
    static final int REQUESTS = Integer.getInteger("http.requests", 20_000);

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

        List<String> rows = new ArrayList<>();
        rows.add(rate(client, "/q/health/live", null));
        rows.add(rate(client, "/api/v1/me/stats/top/tracks?period=year&date=2024-06-01", token));
        rows.add(rate(client, "/api/v1/me/stats/summary?period=year&date=2024-06-01", token));
        rows.add(rate(client, "/api/v1/me/stats/clock?period=custom&from=2024-03-15&to=2024-06-12", token));
        rows.add(rate(client, "/q/health/live", null));

        List<Double> topTimes = new ArrayList<>();
        List<Double> summaryTimes = new ArrayList<>();
        TrackRef track = new TrackRef(
                "bt-new",
                "New",
                200_000,
                null,
                new AlbumRef("bal-new", "Album", "2020", null),
                List.of(new ArtistRef("bar-new", "Artist")));
        for (int i = 0; i < 50; i++) {
            readModel.applyLive(List.of(
                    PlayEvent.polled(user, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i * 600L), track)));
            topTimes.add(time(client, "/api/v1/me/stats/top/tracks?period=year&date=2024-06-01", token));
            summaryTimes.add(time(client, "/api/v1/me/stats/summary?period=year&date=2024-06-01", token));
        }
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "STATS HTTP BENCHMARK: %,d plays, %d connections, %,d requests per row%n",
                PLAYS,
                CONNECTIONS,
                REQUESTS);
        rows.forEach(System.out::println);
        System.out.println(percentiles("first read after a new play, top tracks year 2024", topTimes));
        System.out.println(percentiles("first read after a new play, summary year 2024", summaryTimes));
        System.out.println();
        readModel.purge(user, Instant.now(), null);
    }

    private String rate(HttpClient client, String path, String token) throws Exception {
        HttpRequest request = request(path, token);
        // warm-up (JIT, connections, the first answer cached), then the measured round
        hammer(client, request, REQUESTS / 4);
        return String.format(Locale.ROOT, "%-72s %,10.0f req/s", path, hammer(client, request, REQUESTS));
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

    private double time(HttpClient client, String path, String token) throws Exception {
        long start = System.nanoTime();
        send(client, request(path, token));
        return (System.nanoTime() - start) / 1e6;
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
