package io.audiospective.systemtest.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.postgresql.PGConnection;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.audiospective.model.ArchiveOutcome;
import io.audiospective.systemtest.EmulatorControl;
import io.audiospective.systemtest.KafkaTally;
import io.audiospective.systemtest.LocalSystem;
import io.audiospective.systemtest.SpotifySignIn;

/**
 * A member's first import, the case members meet: a generated Extended Streaming History of {@code entries} plays
 * over {@code years} years naming {@code tracks} distinct tracks, none of them in the catalogue, uploaded to
 * api-service of a fresh system ({@link LocalSystem}, every process separate) whose emulator runs in development
 * mode (per-id look-ups only) with a rate limit per 30 s, while {@code live} other members are polled every 30 s.
 *
 * <p>Prints, from one run: seconds from the upload until {@code stats/summary} counts every imported play, until the
 * job is DONE, how far the catalogue completion got (tracks described per second, projected time to complete), Spotify
 * calls per described track, live polling's slot-to-archived before and during the import; and for scale the same
 * file imported again by a second member once its tracks are in the catalogue, and a raw {@code COPY} of the rows.
 *
 * <p>Not a test: a benchmark, run on demand with {@code ../mvnw verify -Dbenchmark=true -Dtest=FirstImportBenchmark}
 * (the services packaged first) or {@code deploy/first-import-benchmark.sh entries=50000 ...}. Parameters, as system
 * properties with their defaults: {@code first-import.entries=200000 first-import.tracks=30000 first-import.years=10
 * first-import.follow=PT5M first-import.live=20 first-import.rate=600}.
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class FirstImportBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PERIOD = Duration.ofSeconds(30);
    /** The export ends this long ago: newer than the emulator's recently-played look-back, so no poll overlaps it. */
    private static final Duration EXPORT_ENDS_AGO = Duration.ofDays(30);

    private final int entries = Integer.getInteger("first-import.entries", 200000);
    private final int tracks = Integer.getInteger("first-import.tracks", 30000);
    private final int years = Integer.getInteger("first-import.years", 10);
    private final Duration follow = Duration.parse(System.getProperty("first-import.follow", "PT5M"));
    private final int live = Integer.getInteger("first-import.live", 20);
    private final int rate = Integer.getInteger("first-import.rate", 600);
    private final PrintStream out = System.out;
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void benchmark() throws Exception {
        Map<String, String> workerEnvironment = Map.of(
                "AUDIOSPECTIVE_ARCHIVE_IMPORT_METADATA_INTERVAL",
                "PT1S",
                // the app's budget is the emulator's limit, as it would be Spotify's
                "AUDIOSPECTIVE_ARCHIVE_SPOTIFY_REQUESTS_PER_WINDOW",
                Integer.toString(rate));
        try (LocalSystem system = LocalSystem.start(new LocalSystem.Options(
                PERIOD,
                Duration.ofSeconds(5),
                1,
                live + 3,
                Map.of(),
                workerEnvironment,
                Map.of("EMULATOR_DEFAULT_USERS", "idle:1"),
                LocalSystem.Profile.CAPACITY))) {
            EmulatorControl emulator = new EmulatorControl(system.emulator().url());
            String prefix = "fi" + Long.toString(System.currentTimeMillis(), 36);
            // the importing members do not listen meanwhile, so their all-time summary grows by the import alone
            String member = emulator.createUsers("idle", 1, 5, prefix + "m").get(0);
            String second = emulator.createUsers("idle", 1, 5, prefix + "s").get(0);
            List<String> liveMembers = emulator.createUsers("typical", live, 5, prefix + "l");
            SpotifySignIn signIn = new SpotifySignIn(system.auth().url());
            String token = signIn.signIn(member).orElseThrow();
            String secondToken = signIn.signIn(second).orElseThrow();
            for (String id : liveMembers) {
                signIn.signIn(id).orElseThrow();
            }
            say((live + 2) + " members signed in; reading " + tracks + " tracks' names from the emulator");
            List<Track> catalogue = names(system, emulator, member);
            byte[] export = export(catalogue);
            say(String.format(
                    "export: %,d entries over %d years naming %,d distinct tracks, %.1f MB",
                    entries, years, catalogue.size(), export.length / 1e6));
            emulator.settings(Map.of("app_mode", "development", "rate_limit_per_window", rate));
            http.send(
                    HttpRequest.newBuilder(system.emulator().url().resolve("/emulator/counters"))
                            .DELETE()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());

            // live polling before the import, as the reference
            Instant beforeFrom = Instant.now();
            TimeUnit.SECONDS.sleep(60);
            URI api = system.api().url();
            // the all-time summary, as a member looks at their history after an import
            String window = "period=all";
            long baseline = get(api, token, "/api/v1/me/stats/summary?" + window)
                    .get("plays")
                    .asLong();
            long secondBaseline = get(api, secondToken, "/api/v1/me/stats/summary?" + window)
                    .get("plays")
                    .asLong();
            Instant uploadAt = Instant.now();
            JsonNode job = upload(api, token, export);
            double uploaded = seconds(uploadAt);
            long sent = job.get("playsSent").asLong();
            String id = job.get("id").asText();
            say(String.format("uploaded and checked in %.1f s: %,d plays sent to the worker", uploaded, sent));

            double visible = -1;
            double done = -1;
            while (visible < 0 || done < 0) {
                // every second: the all-time summary is read from the totals (a windowed one over ten years is a
                // query of its own, 0.1-0.5 s of PostgreSQL's CPU, and asked this often slowed the fold it measures)
                TimeUnit.SECONDS.sleep(1);
                if (done < 0
                        && "DONE"
                                .equals(get(api, token, "/api/v1/me/imports/" + id)
                                        .get("status")
                                        .asText())) {
                    done = seconds(uploadAt);
                }
                long counted = get(api, token, "/api/v1/me/stats/summary?" + window)
                        .get("plays")
                        .asLong();
                if (visible < 0 && counted >= baseline + sent) {
                    visible = seconds(uploadAt);
                }
                if (seconds(uploadAt) > 1_800) {
                    throw new IllegalStateException("Not visible after 30 minutes: " + counted + " of " + sent);
                }
            }
            Instant visibleAt = Instant.now();
            say(String.format(
                    "every imported play counted by stats/summary after %.1f s (job DONE after %.1f s)",
                    visible, done));

            // the catalogue completion at low priority: followed for a while, then projected
            Instant followEnd = Instant.now().plus(follow);
            JsonNode progress = get(api, token, "/api/v1/me/imports/" + id);
            while (progress.get("awaitingCatalogue").asLong() > 0
                    && Instant.now().isBefore(followEnd)) {
                say(String.format(
                        "catalogue completion: %,d plays still under the file's names, %,d tracks described",
                        progress.get("awaitingCatalogue").asLong(), described(system)));
                TimeUnit.SECONDS.sleep(15);
                progress = get(api, token, "/api/v1/me/imports/" + id);
            }
            double followed = seconds(visibleAt) + visible;
            long describedTracks = described(system);
            long remaining = fileTracks(system);
            Map<String, Long> lookUps = lookUps(system.emulator().url());
            List<ArchiveOutcome> outcomes = new KafkaTally(system.kafkaBootstrap()).outcomes();
            List<Long> before = latencies(outcomes, beforeFrom, uploadAt);
            List<Long> during = latencies(outcomes, uploadAt, Instant.now());

            // for scale: the same file for a member whose tracks are all in the catalogue now, and raw COPY
            Instant secondAt = Instant.now();
            JsonNode secondJob = upload(api, secondToken, export);
            long secondSent = secondJob.get("playsSent").asLong();
            double secondVisible;
            while (true) {
                TimeUnit.MILLISECONDS.sleep(500);
                if (get(api, secondToken, "/api/v1/me/stats/summary?" + window)
                                .get("plays")
                                .asLong()
                        >= secondBaseline + secondSent) {
                    secondVisible = seconds(secondAt);
                    break;
                }
            }
            double copy = rawCopy(system, export);

            out.println();
            out.println("==================== first-import benchmark ====================");
            out.printf(
                    "case: %,d entries over %d years, %,d distinct tracks none of them in the catalogue;%n"
                            + "      emulator in development mode (per-id look-ups), %d requests per 30 s; %d other members"
                            + " polled every %d s; every process on this %d-core machine%n",
                    entries,
                    years,
                    catalogue.size(),
                    rate,
                    live,
                    PERIOD.toSeconds(),
                    Runtime.getRuntime().availableProcessors());
            out.printf("upload checked and sent                 %8.1f s%n", uploaded);
            out.printf("every imported play counted in stats    %8.1f s  (target 60 s; %,d plays)%n", visible, sent);
            out.printf("import job DONE                         %8.1f s%n", done);
            out.printf(
                    "catalogue: tracks described             %8d in %.0f s = %.1f tracks/s; %d still known only"
                            + " from the file%n",
                    describedTracks, followed, describedTracks / followed, remaining);
            out.printf(
                    "catalogue complete (projected)          %8.0f s%s%n",
                    remaining == 0 ? followed : followed + remaining / Math.max(0.001, describedTracks / followed),
                    remaining == 0 ? "" : " (followed " + follow + ", the rest at the same rate)");
            out.printf(
                    "Spotify calls per described track       %8.2f  (GET /v1/tracks/{id}: %s)%n",
                    lookUps.values().stream().mapToLong(Long::longValue).sum() / (double) Math.max(1, describedTracks),
                    lookUps);
            out.printf(
                    "live polling slot -> archived p50 / p99  before %d / %d ms, during %d / %d ms (%d / %d polls)%n",
                    percentile(before, 0.5),
                    percentile(before, 0.99),
                    percentile(during, 0.5),
                    percentile(during, 0.99),
                    before.size(),
                    during.size());
            out.printf(
                    "same file, tracks in the catalogue      %8.1f s until counted = %.0f entries/s%n",
                    secondVisible, secondSent / secondVisible);
            out.printf("same rows, raw COPY into PostgreSQL     %8.2f s = %.0f rows/s%n", copy, entries / copy);
            out.println("=================================================================");
        }
    }

    private record Track(String id, String name, String artist, String album) {}

    /** The first {@code tracks} tracks of the emulator's catalogue, with their names, read through the Web API. */
    private List<Track> names(LocalSystem system, EmulatorControl emulator, String member) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int offset = 0; ids.size() < tracks; offset += 1000) {
            JsonNode page = JSON.readTree(http.send(
                            HttpRequest.newBuilder(system.emulator()
                                            .url()
                                            .resolve("/emulator/catalogue?offset=" + offset + "&limit=1000"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
            if (page.get("track_ids").isEmpty()) {
                break;
            }
            page.get("track_ids").forEach(id -> ids.add(id.asText()));
        }
        String accessToken = system.spotifyAccessToken(member);
        List<Track> named = new ArrayList<>();
        for (int from = 0; from < Math.min(tracks, ids.size()); from += 50) {
            String batch = String.join(",", ids.subList(from, Math.min(Math.min(tracks, ids.size()), from + 50)));
            JsonNode answer = JSON.readTree(http.send(
                            HttpRequest.newBuilder(system.emulator().url().resolve("/v1/tracks?ids=" + batch))
                                    .header("Authorization", "Bearer " + accessToken)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
            for (JsonNode track : answer.get("tracks")) {
                if (!track.isNull()) {
                    named.add(new Track(
                            track.get("id").asText(),
                            track.get("name").asText(),
                            track.get("artists").get(0).get("name").asText(),
                            track.get("album").get("name").asText()));
                }
            }
        }
        return named;
    }

    private Instant exportEnd() {
        return Instant.now().minus(EXPORT_ENDS_AGO).truncatedTo(ChronoUnit.DAYS);
    }

    private Instant exportStart() {
        return exportEnd().minus(Duration.ofDays(365L * years));
    }

    /**
     * Extended Streaming History as Spotify writes it: every track at least once, the rest skewed towards favourites;
     * instants spread over the years, each distinct (a play per instant), oldest first.
     */
    private byte[] export(List<Track> catalogue) throws Exception {
        Random random = new Random(42);
        long span = Duration.between(exportStart(), exportEnd()).toSeconds();
        long step = span / entries;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.getFactory().createGenerator(bytes, JsonEncoding.UTF8)) {
            json.writeStartArray();
            for (int i = 0; i < entries; i++) {
                Track track = i < catalogue.size()
                        ? catalogue.get((int) ((long) i * 7919 % catalogue.size()))
                        : catalogue.get((int)
                                Math.min(catalogue.size() - 1, Math.abs(random.nextGaussian()) * catalogue.size() / 4));
                long msPlayed = 30_000 + random.nextInt(240_000);
                json.writeStartObject();
                json.writeStringField(
                        "ts",
                        exportStart()
                                .plusSeconds(i * step + random.nextInt((int) Math.max(1, step / 2)))
                                .toString());
                json.writeStringField("platform", "android");
                json.writeNumberField("ms_played", msPlayed);
                json.writeStringField("conn_country", "DE");
                json.writeStringField("master_metadata_track_name", track.name());
                json.writeStringField("master_metadata_album_artist_name", track.artist());
                json.writeStringField("master_metadata_album_album_name", track.album());
                json.writeStringField("spotify_track_uri", "spotify:track:" + track.id());
                json.writeNullField("episode_name");
                json.writeNullField("spotify_episode_uri");
                json.writeStringField("reason_start", "trackdone");
                json.writeStringField("reason_end", "trackdone");
                json.writeBooleanField("shuffle", false);
                json.writeBooleanField("skipped", false);
                json.writeBooleanField("offline", false);
                json.writeBooleanField("incognito_mode", false);
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        return bytes.toByteArray();
    }

    private JsonNode upload(URI api, String token, byte[] export) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(
                                api.resolve("/api/v1/me/imports?name=Streaming_History_Audio_" + years + "_years.json"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(export))
                        .timeout(Duration.ofMinutes(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IllegalStateException("Upload answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private JsonNode get(URI api, String token, String path) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(api.resolve(path))
                        .header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static long described(LocalSystem system) throws Exception {
        return count(
                system,
                "SELECT count(*) FROM archive.tracks WHERE metadata <> 'FILE' AND lookup_claimed_at" + " IS NOT NULL");
    }

    private static long fileTracks(LocalSystem system) throws Exception {
        return count(system, "SELECT count(*) FROM archive.tracks WHERE metadata = 'FILE'");
    }

    private static long count(LocalSystem system, String sql) throws Exception {
        try (Connection connection = system.openDatabase();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    /** The emulator's answers to per-id track look-ups since the counters were reset, by status. */
    private Map<String, Long> lookUps(URI emulator) throws Exception {
        JsonNode counters = JSON.readTree(http.send(
                        HttpRequest.newBuilder(emulator.resolve("/emulator/counters"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
        Map<String, Long> byStatus = new LinkedHashMap<>();
        JsonNode tracks = counters.path("GET /v1/tracks/{id}");
        tracks.fieldNames()
                .forEachRemaining(
                        status -> byStatus.put(status, tracks.get(status).asLong()));
        return byStatus;
    }

    private static List<Long> latencies(List<ArchiveOutcome> outcomes, Instant from, Instant to) {
        return outcomes.stream()
                .filter(ArchiveOutcome::succeeded)
                .filter(o -> !o.completedAt().isBefore(from) && o.completedAt().isBefore(to))
                .map(o -> Duration.between(o.scheduledFor(), o.completedAt()).toMillis())
                .sorted()
                .toList();
    }

    private static long percentile(List<Long> sorted, double quantile) {
        return sorted.isEmpty()
                ? -1
                : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(quantile * sorted.size())));
    }

    /** The export's rows COPYed into a scratch table shaped like play_events: the limit of writing them. */
    private double rawCopy(LocalSystem system, byte[] export) throws Exception {
        StringBuilder csv = new StringBuilder();
        for (JsonNode entry : JSON.readTree(export)) {
            csv.append("bench,")
                    .append(entry.get("ts").asText())
                    .append(',')
                    .append(entry.get("spotify_track_uri").asText().substring(14))
                    .append(',')
                    .append(entry.get("ms_played").asLong())
                    .append(",IMPORT\n");
        }
        try (Connection connection = system.openDatabase();
                Statement statement = connection.createStatement()) {
            String table = "bench_copy_" + Long.toString(System.nanoTime(), 36);
            statement.execute("CREATE TABLE public." + table + " (LIKE archive.play_events INCLUDING DEFAULTS)");
            long start = System.nanoTime();
            connection
                    .unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn(
                            "COPY public." + table
                                    + " (user_id, played_at, track_id, ms_played, source) FROM STDIN WITH (FORMAT csv)",
                            new StringReader(csv.toString()));
            double seconds = (System.nanoTime() - start) / 1e9;
            statement.execute("DROP TABLE public." + table);
            return seconds;
        }
    }

    private static double seconds(Instant since) {
        return Duration.between(since, Instant.now()).toMillis() / 1000.0;
    }

    private void say(String line) {
        out.println("[first-import-benchmark] " + line);
        out.flush();
    }
}
