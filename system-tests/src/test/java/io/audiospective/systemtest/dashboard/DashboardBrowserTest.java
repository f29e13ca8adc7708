package io.audiospective.systemtest.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.audiospective.model.Topics;
import io.audiospective.systemtest.LocalSystem;
import io.audiospective.systemtest.SpotifySignIn;

/**
 * The web dashboard in headless Chromium (Debian's, driven by playwright-core) against the whole system started
 * from the packaged services: sign in through auth-service and the emulator's login page, archive status, history
 * with infinite scroll and top lists compared with the API, period changes (preset, all time, custom), an import
 * of an older history with its progress, album covers (lazy, sized, alt text, served by the emulator) in the lists,
 * a track's, an album's and an artist's page with every number compared with the API (also at 390 px), the history
 * filtered by artist and date range through the URL, the chart pages, every page checked with axe-core, a time zone change,
 * a member refused on the admin page, phone width, sign-out (the old token no longer renews), and the account
 * deleted from the settings page after its confirmation. Then an admin ({@link LocalSystem#ADMIN_MEMBER}) opens the
 * admin page: every number compared with the APIs, a dead letter planted on {@code plays} re-driven, a confirmed
 * waitlist entry admitted. Before all that, a cold first visit of the home page of a member with many plays (20,000;
 * 500,000 with {@code -Dbenchmark=true}) is timed and printed. The browser script is
 * {@code src/test/js/dashboard.spec.mjs}; screenshots go to {@code target/screenshots}.
 */
class DashboardBrowserTest {

    private static final String USER = "typical-1-1";
    /** The member of the cold visit: signed in and polled like the others, then given synthetic plays. */
    private static final String BULK_USER = "typical-1-3";
    /** 500,000 plays take about a minute to seed on this machine: the default run measures a smaller member. */
    private static final int BULK_PLAYS =
            Integer.getInteger("dashboard.bulk-plays", Boolean.getBoolean("benchmark") ? 500_000 : 20_000);

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void aMemberUsesTheDashboard() throws Exception {
        Path chromium = BrowserTools.chromium();
        Path playwright = BrowserTools.playwright();
        Path module = BrowserTools.moduleDir();

        try (LocalSystem system = LocalSystem.start(new LocalSystem.Options(
                Duration.ofMinutes(2), Duration.ofSeconds(5), 1, 5, Map.of(), Map.of(), Map.of()))) {
            // The member exists and has had a first poll before the browser signs in again, so that there is
            // something to look at.
            String token = new SpotifySignIn(system.auth().url())
                    .signIn(USER)
                    .orElseThrow(() -> new AssertionError("the first sign-in of " + USER + " did not finish"));
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> system.pollNow(USER));
            awaitPlays(system.api().url(), token);
            String bulkToken = new SpotifySignIn(system.auth().url())
                    .signIn(BULK_USER)
                    .orElseThrow(() -> new AssertionError("the sign-in of " + BULK_USER + " did not finish"));
            long seedStart = System.nanoTime();
            Seeded seeded = seedPlays(system, BULK_USER, BULK_PLAYS);
            System.out.printf(
                    "[dashboard] seeded %,d synthetic plays for %s (%,d in the read model; rebuilt, vacuumed, analysed)"
                            + " in %.1f s%n",
                    seeded.inserted(), BULK_USER, seeded.readModelPlays(), (System.nanoTime() - seedStart) / 1e9);
            plantPoisonPlay(system);
            String waitlisted = plantWaitlistEntry(system);

            Map<String, String> env = new LinkedHashMap<>();
            env.put("DASHBOARD_URL", system.api().url().toString());
            env.put("EMULATOR_URL", system.emulator().url().toString());
            env.put("USER_ID", USER);
            env.put("IMPORT_DAYS", "14");
            env.put("PLAYWRIGHT_HOME", playwright.toString());
            env.put("CHROMIUM", chromium.toString());
            env.put("SCREENSHOTS", module.resolve("target/screenshots").toString());
            env.put("BULK_USER", BULK_USER);
            env.put("BULK_TOKEN", bulkToken);
            env.put("BULK_SEEDED", Long.toString(seeded.inserted()));
            env.put("ADMIN_USER", LocalSystem.ADMIN_MEMBER);
            env.put("WAITLIST_EMAIL", waitlisted);
            List<String> failures = new CopyOnWriteArrayList<>();
            int exit = BrowserTools.run(
                    List.of(
                            "node",
                            module.resolve("src/test/js/dashboard.spec.mjs").toString()),
                    module,
                    env,
                    900,
                    line -> {
                        if (line.contains("FAILED:")) {
                            failures.add(line);
                        }
                    });
            assertThat(exit)
                    .as("dashboard browser checks %s (output above; screenshots in target/screenshots)", failures)
                    .isZero();
        }
    }

    /**
     * Gives {@code userId} {@code count} plays in api-service's read model, one every 290 s back from yesterday, of the
     * tracks polled so far (so their names and covers are real), and rebuilds the member's rollups through the admin
     * endpoint, as a member with years of history would have them.
     */
    /** Plays written straight into the read model (never on the plays topic), and the member's plays after. */
    private record Seeded(long inserted, long readModelPlays) {}

    private static Seeded seedPlays(LocalSystem system, String userId, int count) throws Exception {
        long inserted;
        try (Connection db = system.openDatabase()) {
            String plays;
            try (Statement query = db.createStatement();
                    ResultSet active =
                            query.executeQuery("SELECT active_generation FROM api.read_model_state WHERE id = 1")) {
                active.next();
                int generation = active.getInt(1);
                plays = "api.plays" + (generation == 0 ? "" : "_g" + generation);
            }
            try (PreparedStatement insert = db.prepareStatement("""
                    WITH tracks AS (
                        SELECT row_number() OVER (ORDER BY track_id) - 1 AS k, *
                        FROM (SELECT DISTINCT ON (track_id) * FROM %1$s WHERE NOT provisional) d)
                    INSERT INTO %1$s (user_id, played_at, track_id, track_name, album_id, album_name, artist_ids,
                                      artist_names, ms_played, source, album_image_url)
                    SELECT ?, date_trunc('second', now()) - interval '1 day' + interval '7 milliseconds'
                                  - make_interval(secs => i * 290),
                           t.track_id, t.track_name, t.album_id, t.album_name, t.artist_ids, t.artist_names,
                           t.ms_played, 'POLL', t.album_image_url
                    FROM generate_series(1, ?) AS i
                    JOIN tracks t ON t.k = i %% (SELECT count(*) FROM tracks)
                    ON CONFLICT DO NOTHING
                    """.formatted(plays))) {
                insert.setString(1, userId);
                insert.setInt(2, count);
                inserted = insert.executeUpdate();
            }
        }
        HttpClient http = HttpClient.newHttpClient();
        // 404 until api-service has read the member's registration
        // the rebuild of 500,000 plays alone takes about 2 minutes while the system polls
        HttpResponse<String> rebuilt = await("the rebuild of " + userId)
                .atMost(Duration.ofMinutes(6))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                        () -> http.send(
                                HttpRequest.newBuilder(system.api()
                                                .url()
                                                .resolve("/api/v1/admin/users/" + userId + "/rebuild"))
                                        .header("Authorization", "Bearer " + system.adminToken())
                                        .POST(HttpRequest.BodyPublishers.noBody())
                                        .timeout(Duration.ofMinutes(5))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString()),
                        response -> response.statusCode() == 200);
        try (Connection db = system.openDatabase();
                Statement analyse = db.createStatement()) {
            // as autovacuum would have done long ago for a member of years: statistics, and the rollups all-visible
            analyse.execute("VACUUM ANALYZE");
        }
        Matcher plays = Pattern.compile("\"plays\":(\\d+)").matcher(rebuilt.body());
        assertThat(plays.find()).as(rebuilt.body()).isTrue();
        return new Seeded(inserted, Long.parseLong(plays.group(1)));
    }

    /** A record on {@code plays} that is not JSON, keyed by the admin: api-service sets it aside on plays' DLQ. */
    private static void plantPoisonPlay(LocalSystem system) throws Exception {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafkaBootstrap());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            Topics.PLAYS,
                            LocalSystem.ADMIN_MEMBER,
                            "{\"schemaVersion\": 1, not JSON".getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
    }

    /** Someone who confirmed their address on the waitlist, for the admin to admit; returns the address. */
    private static String plantWaitlistEntry(LocalSystem system) throws Exception {
        String email = "waitlisted-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
        try (Connection db = system.openDatabase();
                PreparedStatement insert = db.prepareStatement(
                        "INSERT INTO auth.waitlist (email, created_at, verified_at) VALUES (?, now(), now())")) {
            insert.setString(1, email);
            insert.executeUpdate();
        }
        return email;
    }

    /** Waits for the member's first play to reach the read model. */
    private static void awaitPlays(URI api, String token) {
        HttpClient http = HttpClient.newHttpClient();
        await("the member's first plays in the read model")
                .atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                        () -> http.send(
                                HttpRequest.newBuilder(api.resolve("/api/v1/me/plays?limit=1"))
                                        .header("Authorization", "Bearer " + token)
                                        .timeout(Duration.ofSeconds(10))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString()),
                        response ->
                                response.statusCode() == 200 && response.body().contains("\"playedAt\""));
    }
}
