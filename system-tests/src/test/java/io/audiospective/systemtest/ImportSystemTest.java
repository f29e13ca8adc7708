package io.audiospective.systemtest;

import static io.audiospective.systemtest.SystemCalls.JSON;
import static io.audiospective.systemtest.SystemCalls.await;
import static io.audiospective.systemtest.SystemCalls.get;
import static io.audiospective.systemtest.SystemCalls.plays;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.mail.internet.MimeMessage;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.audiospective.testing.TcpForwarder;

/**
 * An import across the services, each its own process: a browser-style multipart upload to api-service, chunks
 * through Kafka to archive-worker (unknown tracks completed from the emulator at low priority), the merge with the
 * member's polled plays, the plays published on {@code plays}, and api-service's read model answering with the
 * union, once.
 *
 * <p>Both tests share one system (a start costs about 40 s). The first-import test runs first, so that its catalogue
 * is empty as a new installation's is; it switches the emulator to development mode for its own run only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImportSystemTest {

    private static final String USER = "typical-1-2";
    private static final Duration WAIT = Duration.ofMinutes(6);

    private static GreenMail smtp;
    private static LocalSystem system;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startSystem() throws Exception {
        // auth-service's mails go to a real SMTP server; the monthly summary job runs every few seconds and may decide
        // last month's summary all this month (the real clock: the packaged service has no other)
        int smtpPort = TcpForwarder.freePort();
        smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        system = LocalSystem.start(new LocalSystem.Options(
                        Duration.ofHours(1),
                        Duration.ofSeconds(5),
                        1,
                        5,
                        Map.of(),
                        Map.of("AUDIOSPECTIVE_ARCHIVE_IMPORT_METADATA_INTERVAL", "PT1S"),
                        Map.of())
                .withAuthEnvironment(Map.of(
                        "SMTP_HOST", "127.0.0.1",
                        "SMTP_PORT", Integer.toString(smtpPort),
                        "AUDIOSPECTIVE_AUTH_MAIL_RELAY_INTERVAL", "PT1S",
                        "AUDIOSPECTIVE_AUTH_MAIL_SUMMARY_INTERVAL", "PT2S",
                        "AUDIOSPECTIVE_AUTH_MAIL_SUMMARY_SEND_WITHIN", "P32D")));
    }

    @AfterAll
    static void stopSystem() {
        if (system != null) {
            system.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    @Order(2)
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void anUploadedExportReachesTheReadModelMergedWithPolledPlays() throws Exception {
        URI api = system.api().url();
        String token = new SpotifySignIn(system.auth().url())
                .signIn(USER)
                .orElseThrow(() -> new AssertionError("the sign-in of " + USER + " did not finish"));
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> system.pollNow(USER));
        List<List<JsonNode>> previous = new ArrayList<>(List.of(List.of()));
        List<JsonNode> polled = await("the first poll's plays in the read model", WAIT, () -> {
            // settled: the same non-empty history twice in a row (the relay publishes in batches)
            List<JsonNode> plays = plays(api, token);
            List<JsonNode> before = previous.set(0, plays);
            return !plays.isEmpty() && plays.size() == before.size() ? plays : null;
        });

        // The download Spotify would give: two weeks of older history (tracks the catalogue mostly lacks) plus
        // the polled plays again at second precision, a few seconds off; and account data naming polled plays.
        // ending before this month began (UTC, the member's zone in auth-service), so last month has imported plays
        Instant thisMonth = YearMonth.now(ZoneOffset.UTC)
                .atDay(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant();
        Instant weekAgo = Instant.now().minus(7, ChronoUnit.DAYS);
        Instant to = weekAgo.isBefore(thisMonth) ? weekAgo : thisMonth.minus(12, ChronoUnit.HOURS);
        List<EmulatorControl.TruePlay> older =
                new EmulatorControl(system.emulator().url()).plays(USER, to.minus(14, ChronoUnit.DAYS), to);
        assertThat(older).isNotEmpty();
        ArrayNode extended = JSON.createArrayNode();
        older.forEach(p -> extended.add(extendedEntry(p.playedAt().truncatedTo(ChronoUnit.SECONDS), p.trackId())));
        polled.forEach(p -> extended.add(extendedEntry(
                Instant.parse(p.get("playedAt").asText())
                        .truncatedTo(ChronoUnit.SECONDS)
                        .plusSeconds(3),
                p.get("trackId").asText())));
        ArrayNode accountData = JSON.createArrayNode();
        List<JsonNode> named = polled.subList(0, Math.min(5, polled.size()));
        named.forEach(p -> accountData.add(JSON.createObjectNode()
                .put(
                        "endTime",
                        Instant.parse(p.get("playedAt").asText())
                                .truncatedTo(ChronoUnit.MINUTES)
                                .toString()
                                .replace("T", " ")
                                .replace(":00Z", ""))
                .put("artistName", p.get("artists").get(0).get("name").asText())
                .put("trackName", p.get("trackName").asText())
                .put("msPlayed", 200_000)));
        accountData.add(JSON.createObjectNode()
                .put("endTime", "2020-01-01 10:00")
                .put("artistName", "Nobody Anybody Knows")
                .put("trackName", "No Such Song")
                .put("msPlayed", 90_000));

        Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        files.put("Streaming_History_Audio_2025.json", JSON.writeValueAsBytes(extended));
        files.put("StreamingHistory_music_0.json", JSON.writeValueAsBytes(accountData));
        JsonNode job = upload(api, token, files);
        String id = job.get("id").asText();
        assertThat(job.get("playsSent").asLong()).isEqualTo(older.size() + polled.size() + named.size() + 1);

        JsonNode done = await("the import to finish", WAIT, () -> {
            JsonNode current = get(api, token, "/api/v1/me/imports/" + id);
            return "DONE".equals(current.get("status").asText()) ? current : null;
        });
        assertThat(done.get("imported").asLong()).isEqualTo(older.size());
        assertThat(done.get("duplicates").asLong()).isEqualTo(polled.size() + named.size());
        assertThat(done.get("failed").asLong()).isZero();
        assertThat(done.get("unmatched").get("no catalogue match").asLong()).isEqualTo(1);
        System.out.printf(
                "IMPORT SYSTEM TEST: %d older plays imported, %d polled + %d named entries duplicates,"
                        + " 1 unmatched%n",
                older.size(), polled.size(), named.size());

        // The read model: every older play once, as an import, next to the polled plays, nothing twice.
        Set<String> expected = new HashSet<>();
        older.forEach(p -> expected.add(p.playedAt().truncatedTo(ChronoUnit.SECONDS) + "|" + p.trackId()));
        List<JsonNode> all = await("the imported plays in the read model", WAIT, () -> {
            List<JsonNode> plays = plays(api, token);
            long imported = plays.stream()
                    .filter(p -> "IMPORT".equals(p.get("source").asText()))
                    .count();
            return imported >= older.size() ? plays : null;
        });
        Set<String> importedKeys = new HashSet<>();
        Map<String, List<Instant>> byTrack = new HashMap<>();
        for (JsonNode play : all) {
            Instant at = Instant.parse(play.get("playedAt").asText());
            String track = play.get("trackId").asText();
            if ("IMPORT".equals(play.get("source").asText())) {
                importedKeys.add(at + "|" + track);
            }
            byTrack.computeIfAbsent(track, k -> new ArrayList<>()).add(at);
        }
        assertThat(importedKeys).isEqualTo(expected);
        byTrack.values().forEach(times -> {
            times.sort(null);
            for (int i = 1; i < times.size(); i++) {
                assertThat(Duration.between(times.get(i - 1), times.get(i))).isGreaterThan(Duration.ofSeconds(10));
            }
        });
        // the stats read model counts the same plays (re-read together: a scheduled poll may add some)
        await("stats that count every play", WAIT, () -> {
            long summary = get(api, token, "/api/v1/me/stats/summary?period=all")
                    .get("plays")
                    .asLong();
            return summary == plays(api, token).size() ? summary : null;
        });

        // auth-service mailed the import's end, and, once the member turns it on, last month's summary with the
        // numbers the real api-service gives for it
        String address = USER + "@users.emulator.test";
        MimeMessage doneMail = await("the import's mail", WAIT, () -> mails(address, "Your import is done"));
        assertThat(doneMail.getSubject()).contains(String.format(Locale.ENGLISH, "%,d plays", older.size()));
        assertThat(SystemCalls.send(
                                system.auth().url(),
                                token,
                                "PUT",
                                "/api/v1/account/mail",
                                "{\"categories\":{\"MONTHLY_SUMMARY\":true}}")
                        .statusCode())
                .isEqualTo(200);
        YearMonth lastMonth = YearMonth.now(ZoneOffset.UTC).minusMonths(1);
        String lastMonthWindow = "period=custom&from=" + lastMonth.atDay(1) + "&to=" + lastMonth.atEndOfMonth();
        long lastMonthPlays = get(api, token, "/api/v1/me/stats/summary?" + lastMonthWindow)
                .get("plays")
                .asLong();
        String topArtist = get(api, token, "/api/v1/me/stats/top/artists?limit=1&" + lastMonthWindow)
                .get("items")
                .get(0)
                .get("name")
                .asText();
        assertThat(lastMonthPlays).isPositive();
        MimeMessage summary = await("the monthly summary", WAIT, () -> mails(address, "Your listening in "));
        assertThat(summary.getSubject())
                .startsWith("Your listening in "
                        + lastMonth.format(DateTimeFormatter.ofPattern("MMMM yyyy", Locale.ENGLISH)) + ": "
                        + String.format(Locale.ENGLISH, "%,d plays", lastMonthPlays));
        assertThat(text(summary)).contains("1. " + topArtist + " (");

        // The same download again adds nothing.
        String again = upload(api, token, files).get("id").asText();
        JsonNode second = await("the second import to finish", WAIT, () -> {
            JsonNode current = get(api, token, "/api/v1/me/imports/" + again);
            return "DONE".equals(current.get("status").asText()) ? current : null;
        });
        assertThat(second.get("imported").asLong()).isZero();
        assertThat(second.get("duplicates").asLong()).isEqualTo(older.size() + polled.size() + named.size());
        assertThat(plays(api, token).stream()
                        .filter(p -> "IMPORT".equals(p.get("source").asText())))
                .hasSize(older.size());
        // a fresh start: every scheduled job waited for its service's schema migration
        assertThat(system.logLines(line -> line.contains(" ERROR ") && line.contains("does not exist")))
                .as("errors of jobs that ran before their schema existed")
                .isEmpty();
        // the summary job ran again meanwhile (every 2 s): still one summary
        assertThat(Arrays.stream(smtp.getReceivedMessages())
                        .filter(m -> subject(m).startsWith("Your listening in ")))
                .hasSize(1);
    }

    /**
     * A member's first import as members meet it: a month of their history exported by the emulator from its ground
     * truth, a third of the tracks under ids Spotify does not know, none of the tracks in the catalogue, the emulator
     * in development mode (one look-up per track). Every valid entry is archived and counted at once, none fails;
     * the catalogue is completed afterwards, the unknown tracks keep the file's names; and the member's tops then equal
     * those of a second member who imports the same file once the catalogue is complete, whose plays arrive complete
     * from the start.
     */
    @Test
    @Order(1)
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void aFirstImportCountsEveryPlayAtOnceAndConvergesOnceTheCatalogueIsComplete() throws Exception {
        EmulatorControl emulator = new EmulatorControl(system.emulator().url());
        emulator.settings(Map.of("app_mode", "development"));
        try {
            URI api = system.api().url();
            SpotifySignIn signIn = new SpotifySignIn(system.auth().url());
            String first = "typical-1-3";
            String firstToken = signIn.signIn(first).orElseThrow();
            String secondToken = signIn.signIn("typical-1-1").orElseThrow();
            Instant to = Instant.now().minus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.DAYS);
            Instant from = to.minus(30, ChronoUnit.DAYS);
            HttpResponse<byte[]> export = http.send(
                    HttpRequest.newBuilder(system.emulator()
                                    .url()
                                    .resolve("/emulator/users/" + first + "/streaming-history?from=" + from + "&to="
                                            + to + "&unknown_share=0.33"))
                            .timeout(Duration.ofMinutes(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(export.statusCode()).isEqualTo(200);
            long plays = 0;
            for (JsonNode entry : JSON.readTree(export.body())) {
                plays += entry.get("ms_played").asLong() >= 30_000 ? 1 : 0;
            }
            assertThat(plays).isGreaterThan(100);
            Map<String, byte[]> files =
                    Map.of("Streaming_History_Audio_" + from.toString().substring(0, 4) + ".json", export.body());
            String window = "period=custom&from=" + from.toString().substring(0, 10) + "&to="
                    + to.minus(1, ChronoUnit.DAYS).toString().substring(0, 10);

            String id = upload(api, firstToken, files).get("id").asText();
            JsonNode done = await("the first import to finish", WAIT, () -> {
                JsonNode job = get(api, firstToken, "/api/v1/me/imports/" + id);
                return "DONE".equals(job.get("status").asText()) ? job : null;
            });
            assertThat(done.get("playsSent").asLong()).isEqualTo(plays);
            assertThat(done.get("imported").asLong()).isEqualTo(plays);
            assertThat(done.get("failed").asLong()).isZero();
            final long expected = plays;
            await(
                    "every imported play counted",
                    WAIT,
                    () -> get(api, firstToken, "/api/v1/me/stats/summary?" + window)
                                            .get("plays")
                                            .asLong()
                                    == expected
                            ? true
                            : null);
            JsonNode completed = await("the catalogue completion", WAIT, () -> {
                JsonNode job = get(api, firstToken, "/api/v1/me/imports/" + id);
                return job.get("awaitingCatalogue").asLong() == 0 ? job : null;
            });
            assertThat(completed.get("withoutCatalogue").asLong()).isPositive().isLessThan(plays);
            System.out.printf(
                    "IMPORT SYSTEM TEST (first import): %d plays counted at once, %d kept under the file's"
                            + " names (unknown to Spotify)%n",
                    plays, completed.get("withoutCatalogue").asLong());

            String again = upload(api, secondToken, files).get("id").asText();
            await("the second member's import", WAIT, () -> {
                JsonNode job = get(api, secondToken, "/api/v1/me/imports/" + again);
                return "DONE".equals(job.get("status").asText())
                                && job.get("awaitingCatalogue").asLong() == 0
                                && get(api, secondToken, "/api/v1/me/stats/summary?" + window)
                                                .get("plays")
                                                .asLong()
                                        == expected
                        ? job
                        : null;
            });
            // the relay publishes the completed plays again in batches: equal once both settled
            for (String kind : List.of("artists", "albums", "tracks")) {
                String top = "/api/v1/me/stats/top/" + kind + "?limit=500&" + window;
                JsonNode reference = get(api, secondToken, top);
                await(
                        "top " + kind + " equal to a read model fed complete plays",
                        WAIT,
                        () -> get(api, firstToken, top).equals(reference) ? true : null);
            }
            assertThat(get(api, firstToken, "/api/v1/me/stats/summary?" + window))
                    .isEqualTo(get(api, secondToken, "/api/v1/me/stats/summary?" + window));
        } finally {
            emulator.resetSettings();
        }
    }

    private static ObjectNode extendedEntry(Instant ts, String trackId) {
        return JSON.createObjectNode()
                .put("ts", ts.toString())
                .put("platform", "test")
                .put("ms_played", 200_000)
                .put("conn_country", "DE")
                .put("spotify_track_uri", "spotify:track:" + trackId)
                .put("reason_start", "trackdone")
                .put("reason_end", "trackdone")
                .put("skipped", false)
                .put("incognito_mode", false);
    }

    /** A multipart/form-data POST as a browser form sends it: one file field per file. */
    private JsonNode upload(URI api, String token, Map<String, byte[]> files) throws Exception {
        String boundary = "----import" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                            + file.getKey() + "\"\r\nContent-Type: application/json\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            body.write(file.getValue());
            body.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(api.resolve("/api/v1/me/imports"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                        .timeout(Duration.ofMinutes(2))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body());
    }

    /** The first mail to {@code address} whose subject starts with {@code subject}, or null while there is none. */
    private static MimeMessage mails(String address, String subject) throws Exception {
        for (MimeMessage message : smtp.getReceivedMessages()) {
            if (message.getAllRecipients()[0].toString().equals(address)
                    && subject(message).startsWith(subject)) {
                return message;
            }
        }
        return null;
    }

    /** The text part of a mail (auth-service sends text and HTML), decoded. */
    private static String text(jakarta.mail.Part part) throws Exception {
        if (part.isMimeType("text/plain")) {
            return (String) part.getContent();
        }
        if (part.getContent() instanceof jakarta.mail.Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                String text = text(multipart.getBodyPart(i));
                if (text != null) {
                    return text;
                }
            }
        }
        return null;
    }

    private static String subject(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
