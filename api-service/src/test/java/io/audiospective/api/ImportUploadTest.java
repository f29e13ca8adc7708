package io.audiospective.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.audiospective.model.ImportChunk;
import io.audiospective.model.ImportEntry;
import io.audiospective.model.ImportProgress;
import io.audiospective.model.Topics;
import io.audiospective.model.codec.MessageCodec;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/** Uploads of Spotify history files: parsing rules, chunks on {@code imports}, progress, and every bad file. */
@QuarkusTest
class ImportUploadTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Instant BASE = Instant.parse("2023-03-01T10:00:00Z");

    @Inject
    Tokens tokens;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    KafkaCompanion kafka;
    ConsumerTask<String, byte[]> chunks;

    @BeforeEach
    void open() {
        kafka = new KafkaCompanion(bootstrapServers);
        chunks = kafka.consume(String.class, byte[].class)
                .withGroupId("test-" + UUID.randomUUID())
                .withOffsetReset(OffsetResetStrategy.EARLIEST)
                .fromTopics(Topics.IMPORTS);
    }

    @AfterEach
    void close() {
        chunks.close();
        kafka.close();
    }

    /** 2,500 entries: every 10th a podcast, every 10th+1 under 30 s, every 10th+2 incognito, every 10th+3 local. */
    static String extendedHistory(int count, int offset) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                json.append(",\n");
            }
            int n = i + offset;
            String ts = BASE.plusSeconds(240L * n).toString();
            String uri = "\"spotify:track:" + String.format("t%021d", n % 500) + "\"";
            String name = "\"Song " + n + "\"";
            String episode = "null";
            long ms = 200_000;
            boolean incognito = false;
            switch (n % 10) {
                case 0 -> {
                    uri = "null";
                    name = "null";
                    episode = "\"spotify:episode:e" + n + "\"";
                }
                case 1 -> ms = 12_000;
                case 2 -> incognito = true;
                case 3 -> uri = "null";
                default -> {}
            }
            json.append("{\"ts\":\"")
                    .append(ts)
                    .append("\",\"platform\":\"android\",\"ms_played\":")
                    .append(ms)
                    .append(",\"conn_country\":\"DE\",\"master_metadata_track_name\":")
                    .append(name)
                    .append(",\"master_metadata_album_artist_name\":\"Artist\",\"master_metadata_album_album_name\":")
                    .append("\"Album\",\"spotify_track_uri\":")
                    .append(uri)
                    .append(",\"episode_name\":null,")
                    .append("\"spotify_episode_uri\":")
                    .append(episode)
                    .append(",\"reason_start\":\"trackdone\",\"reason_end\":\"trackdone\",\"shuffle\":false,")
                    .append("\"skipped\":")
                    .append(n % 7 == 0)
                    .append(",\"offline\":false,\"offline_timestamp\":")
                    .append(n % 2 == 0 ? 1677664800L : 1677664800123L)
                    .append(",\"incognito_mode\":")
                    .append(incognito)
                    .append('}');
        }
        return json.append("]").toString();
    }

    @Test
    void aHistoryFileIsCheckedSplitIntoChunksAndFollowedToTheEnd() {
        String user = fresh();
        JsonPath job = given().auth()
                .oauth2(tokens.user(user))
                .contentType("application/json")
                .queryParam("name", "Streaming_History_Audio_2023.json")
                .body(extendedHistory(9_000, 0))
                .when()
                .post("/api/v1/me/imports")
                .then()
                .statusCode(202)
                .extract()
                .jsonPath();
        String id = job.getString("id");
        assertThat(job.getLong("entriesRead")).isEqualTo(9_000);
        assertThat(job.getLong("playsSent")).isEqualTo(5_400);
        assertThat(job.getMap("skipped"))
                .isEqualTo(Map.of("podcast", 900, "under 30 s", 900, "incognito", 900, "local file", 900));
        assertThat(job.getList("rejected")).isEmpty();
        int chunkCount = job.getInt("chunksSent");
        // at most 5,000 entries and well under Kafka's 1 MB per chunk: these entries carry names, so 3 chunks
        assertThat(chunkCount).isBetween(2, 4);
        assertThat(job.getString("status")).isEqualTo("IMPORTING");

        await().atMost(WAIT).until(() -> chunksOf(user).size() == chunkCount);
        assertThat(chunks.getRecords().stream().filter(r -> user.equals(r.key())))
                .allMatch(r -> r.value().length < 1_000_000);
        List<ImportChunk> sent = chunksOf(user);
        assertThat(sent).allMatch(c -> c.entries().size() <= 5_000);
        List<ImportEntry> entries =
                sent.stream().flatMap(c -> c.entries().stream()).toList();
        assertThat(entries).hasSize(5_400);
        assertThat(entries.get(0).endedAt()).isEqualTo(BASE.plusSeconds(240L * 4));
        assertThat(entries).allMatch(e -> e.trackUri().startsWith("spotify:track:") && e.msPlayed() >= 30_000);

        progress(user, id, 1, 1, 900, 80, 20, 0);
        await().atMost(WAIT).until(() -> job(user, id).getLong("imported") == 900);
        // every chunk archived: DONE, while the catalogue of its plays is still being completed
        progress(user, new ImportProgress(1, id, user, 3, chunkCount, 1_300, 180, 0, 20, Map.of(), 700L, 0L));
        progress(user, id, 2, chunkCount, 1_290, 180, 10, 20); // older report, arrives late: ignored
        await().atMost(WAIT).until(() -> "DONE".equals(job(user, id).getString("status")));
        JsonPath done = job(user, id);
        assertThat(done.getLong("imported")).isEqualTo(1_300);
        assertThat(done.getLong("duplicates")).isEqualTo(180);
        assertThat(done.getLong("failed")).isEqualTo(20);
        assertThat(done.getLong("pendingMetadata")).isZero();
        assertThat(done.getLong("awaitingCatalogue")).isEqualTo(700);
        progress(user, new ImportProgress(1, id, user, 4, chunkCount, 1_300, 180, 0, 20, Map.of(), 0L, 12L));
        await().atMost(WAIT).until(() -> job(user, id).getLong("awaitingCatalogue") == 0);
        assertThat(job(user, id).getLong("withoutCatalogue")).isEqualTo(12);
        assertThat(job(user, id).getLong("imported")).isEqualTo(1_300);

        given().auth()
                .oauth2(tokens.user(fresh()))
                .when()
                .get("/api/v1/me/imports/" + id)
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void aZipIsReadEntryByEntryAndAccountDataIsSentWithItsNames() throws Exception {
        String user = fresh();
        byte[] zip = zip(Map.of(
                "Spotify Extended Streaming History/Streaming_History_Audio_2023_0.json",
                extendedHistory(1_000, 0),
                "Spotify Extended Streaming History/Streaming_History_Audio_2023_1.json",
                extendedHistory(1_000, 1_000),
                "Spotify Extended Streaming History/ReadMeFirst_ExtendedStreamingHistory.pdf",
                "%PDF-1.4",
                "MyData/StreamingHistory_music_0.json",
                "[{\"endTime\":\"2023-03-01 10:04\",\"artistName\":\"A\",\"trackName\":\"T\",\"msPlayed\":200000}]"));
        JsonPath job = given().auth()
                .oauth2(tokens.user(user))
                .contentType("application/zip")
                .queryParam("name", "my_spotify_data.zip")
                .body(zip)
                .when()
                .post("/api/v1/me/imports")
                .then()
                .statusCode(202)
                .extract()
                .jsonPath();
        assertThat(job.getList("files")).hasSize(3);
        assertThat(job.getLong("entriesRead")).isEqualTo(2_001);
        assertThat(job.getLong("playsSent")).isEqualTo(1_201);
        assertThat(job.getMap("skipped")).doesNotContainKey("no track id");
        await().atMost(WAIT)
                .until(() -> chunksOf(user).stream()
                                .mapToInt(c -> c.entries().size())
                                .sum()
                        == 1_201);
        ImportEntry named = chunksOf(user).stream()
                .flatMap(c -> c.entries().stream())
                .filter(e -> e.trackUri() == null)
                .findFirst()
                .orElseThrow();
        assertThat(named.trackName()).isEqualTo("T");
        assertThat(named.artistName()).isEqualTo("A");
        assertThat(named.endedAt()).isEqualTo(Instant.parse("2023-03-01T10:04:00Z"));
        assertThat(named.msPlayed()).isEqualTo(200_000);
    }

    /** Account data: names and the minute only; podcasts, nameless and short entries are skipped by reason. */
    @Test
    void accountDataEntriesArePlaysWithNamesOrSkippedWithTheirReason() {
        String user = fresh();
        String file = """
                [{"endTime":"2023-03-01 10:04","artistName":"Röyksopp","trackName":"Eple","msPlayed":185000},
                 {"endTime":"2023-03-01 10:05","artistName":"Röyksopp","trackName":"So Easy","msPlayed":12000},
                 {"endTime":"2023-03-01 10:07","artistName":"","trackName":"Unknown","msPlayed":60000},
                 {"endTime":"2023-03-01 10:40","podcastName":"A Show","episodeName":"#12","msPlayed":1900000},
                 {"endTime":"2023-03-01 10:44","artistName":"Daft Punk","trackName":"One More Time","msPlayed":320000}]
                """;
        JsonPath job = given().auth()
                .oauth2(tokens.user(user))
                .contentType("application/json")
                .queryParam("name", "StreamingHistory_music_0.json")
                .body(file)
                .when()
                .post("/api/v1/me/imports")
                .then()
                .statusCode(202)
                .extract()
                .jsonPath();
        assertThat(job.getLong("entriesRead")).isEqualTo(5);
        assertThat(job.getLong("playsSent")).isEqualTo(2);
        assertThat(job.getMap("skipped")).isEqualTo(Map.of("under 30 s", 1, "no track name", 1, "podcast", 1));
        await().atMost(WAIT).until(() -> chunksOf(user).size() == 1);
        assertThat(chunksOf(user).get(0).entries())
                .extracting(ImportEntry::trackName)
                .containsExactly("Eple", "One More Time");

        String id = job.getString("id");
        kafka.produce(String.class, byte[].class)
                .fromRecords(new ProducerRecord<>(
                        Topics.IMPORTS_PROGRESS,
                        user,
                        MessageCodec.encode(
                                new ImportProgress(1, id, user, 1, 1, 1, 0, 0, 0, Map.of("no catalogue match", 1L)))))
                .awaitCompletion(WAIT);
        await().atMost(WAIT).until(() -> "DONE".equals(job(user, id).getString("status")));
        assertThat(job(user, id).getMap("unmatched")).isEqualTo(Map.of("no catalogue match", 1));
    }

    /** A browser form: several file fields, written to disk part by part, become one job. */
    @Test
    void aMultipartFormWithSeveralFilesBecomesOneJob() throws Exception {
        String user = fresh();
        byte[] zip = zip(Map.of(
                "Spotify Extended Streaming History/Streaming_History_Audio_2023_0.json", extendedHistory(1_000, 0)));
        String accountData = "[{\"endTime\":\"2023-03-01 10:04\",\"artistName\":\"A\",\"trackName\":\"T\","
                + "\"msPlayed\":200000}]";
        JsonPath job = given().auth()
                .oauth2(tokens.user(user))
                .multiPart("file", "my_spotify_data.zip", zip, "application/zip")
                .multiPart(
                        "file",
                        "Streaming_History_Audio_2024.json",
                        extendedHistory(500, 1_000).getBytes(StandardCharsets.UTF_8),
                        "application/json")
                .multiPart(
                        "file",
                        "StreamingHistory_music_0.json",
                        accountData.getBytes(StandardCharsets.UTF_8),
                        "application/octet-stream")
                .when()
                .post("/api/v1/me/imports")
                .then()
                .statusCode(202)
                .extract()
                .jsonPath();
        assertThat(job.getList("files", String.class))
                .containsExactly(
                        "Spotify Extended Streaming History/Streaming_History_Audio_2023_0.json",
                        "Streaming_History_Audio_2024.json",
                        "StreamingHistory_music_0.json");
        assertThat(job.getLong("entriesRead")).isEqualTo(1_501);
        assertThat(job.getLong("playsSent")).isEqualTo(901);
        await().atMost(WAIT)
                .until(() -> chunksOf(user).stream()
                                .mapToInt(c -> c.entries().size())
                                .sum()
                        == 901);

        // a bad part fails the whole form, naming the file; nothing is sent
        String other = fresh();
        given().auth()
                .oauth2(tokens.user(other))
                .multiPart(
                        "file",
                        "Streaming_History_Audio_2023.json",
                        extendedHistory(10, 0).getBytes(StandardCharsets.UTF_8),
                        "application/json")
                .multiPart("file", "endsong_1.json", "[{\"ts\":".getBytes(StandardCharsets.UTF_8), "application/json")
                .when()
                .post("/api/v1/me/imports")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("detail", containsString("endsong_1.json: not valid JSON"));
        given().auth()
                .oauth2(tokens.user(other))
                .multiPart("note", "no file here")
                .when()
                .post("/api/v1/me/imports")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        assertThat(chunksOf(other)).isEmpty();

        // the member's imports are listed newest first; refused forms left no job behind
        JsonPath again = given().auth()
                .oauth2(tokens.user(user))
                .multiPart(
                        "file",
                        "StreamingHistory_music_1.json",
                        accountData.getBytes(StandardCharsets.UTF_8),
                        "application/json")
                .when()
                .post("/api/v1/me/imports")
                .then()
                .statusCode(202)
                .extract()
                .jsonPath();
        List<String> listed = given().auth()
                .oauth2(tokens.user(user))
                .when()
                .get("/api/v1/me/imports")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("id", String.class);
        assertThat(listed).containsExactly(again.getString("id"), job.getString("id"));
        assertThat(given().auth()
                        .oauth2(tokens.user(other))
                        .when()
                        .get("/api/v1/me/imports")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("id", String.class))
                .isEmpty();
    }

    @Test
    void everyBadFileIsRefusedWithItsNameAndProblemAndNothingIsSent() throws Exception {
        String user = fresh();
        bad(
                user,
                "application/json",
                "Streaming_History_Audio_2023.json",
                "this is not json".getBytes(),
                "Streaming_History_Audio_2023.json: not valid JSON");
        bad(
                user,
                "application/json",
                "Streaming_History_Audio_2024.json",
                "{\"ts\":\"2023-01-01T00:00:00Z\"}".getBytes(),
                "Streaming_History_Audio_2024.json: expected a JSON array");
        String truncatedJson = extendedHistory(50, 0);
        bad(
                user,
                "application/json",
                "endsong_0.json",
                truncatedJson.substring(0, truncatedJson.length() / 2).getBytes(StandardCharsets.UTF_8),
                "endsong_0.json: not valid JSON");
        bad(
                user,
                "application/json",
                "Streaming_History_Audio_2025.json",
                "[{\"Date Played\":\"20230101\",\"Song Name\":\"x\",\"Play Duration Milliseconds\":1}]".getBytes(),
                "Streaming_History_Audio_2025.json: not a Spotify streaming history file");
        byte[] zip = zip(Map.of("Streaming_History_Audio_2023_0.json", extendedHistory(3_000, 0)));
        bad(
                user,
                "application/zip",
                "my_spotify_data.zip",
                Arrays.copyOf(zip, zip.length / 2),
                "my_spotify_data.zip/Streaming_History_Audio_2023_0.json: the zip is truncated or damaged");
        bad(
                user,
                "application/zip",
                "photos.zip",
                zip(Map.of("cat.jpg", "not a history")),
                "photos.zip: the zip holds no Spotify streaming history file");
        bad(
                user,
                "application/zip",
                "notazip.zip",
                "plain text".getBytes(),
                "notazip.zip: the zip holds no Spotify streaming history file");

        assertThat(chunksOf(user)).isEmpty();
    }

    private void bad(String user, String contentType, String name, byte[] body, String detail) {
        given().auth()
                .oauth2(tokens.user(user))
                .contentType(contentType)
                .queryParam("name", name)
                .body(body)
                .when()
                .post("/api/v1/me/imports")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("detail", containsString(detail))
                .body("status", equalTo(422));
    }

    private void progress(
            String user,
            String id,
            long sequence,
            int chunksProcessed,
            long imported,
            long duplicates,
            long pending,
            long failed) {
        kafka.produce(String.class, byte[].class)
                .fromRecords(new ProducerRecord<>(
                        Topics.IMPORTS_PROGRESS,
                        user,
                        MessageCodec.encode(new ImportProgress(
                                1, id, user, sequence, chunksProcessed, imported, duplicates, pending, failed))))
                .awaitCompletion(WAIT);
    }

    private void progress(String user, ImportProgress report) {
        kafka.produce(String.class, byte[].class)
                .fromRecords(new ProducerRecord<>(Topics.IMPORTS_PROGRESS, user, MessageCodec.encode(report)))
                .awaitCompletion(WAIT);
    }

    private JsonPath job(String user, String id) {
        return given().auth()
                .oauth2(tokens.user(user))
                .when()
                .get("/api/v1/me/imports/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private List<ImportChunk> chunksOf(String user) {
        return chunks.getRecords().stream()
                .filter(r -> user.equals(r.key()))
                .map(ConsumerRecord::value)
                .map(v -> MessageCodec.decode(v, ImportChunk.class))
                .toList();
    }

    private static byte[] zip(Map<String, String> files) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (var file : new java.util.TreeMap<>(files).entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static String fresh() {
        return "imp-" + UUID.randomUUID();
    }
}
