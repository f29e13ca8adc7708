package io.audiospective.api;

import static io.audiospective.api.HistoryFiles.extended;
import static io.audiospective.api.HistoryFiles.newTrackId;
import static io.audiospective.api.HistoryFiles.oneEntryPerLine;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.audiospective.support.sql.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;

/**
 * The import limits, each refusing the whole upload with a problem and sending nothing. The size limits are
 * lowered for this test (its own application instance, {@link SmallLimits}); the running imports per member keep
 * their default of 2.
 */
@QuarkusTest
@TestProfile(ImportLimitsTest.SmallLimits.class)
class ImportLimitsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Instant PLAYED = Instant.parse("2023-03-01T10:00:00Z");
    private static final long MAX_BYTES = 1 << 20;
    private static final String TOO_LARGE = "urn:audiospective:problem:import-too-large";

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "audiospective.api.imports.max-decompressed-size",
                    "1M",
                    "audiospective.api.imports.max-entries",
                    "1000",
                    "audiospective.api.imports.max-unknown-tracks",
                    "50");
        }
    }

    @Inject
    Tokens tokens;

    @Inject
    Db db;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    ImportsTopic imports;

    @BeforeEach
    void open() {
        imports = new ImportsTopic(bootstrapServers);
    }

    @AfterEach
    void close() {
        imports.close();
    }

    /** A zip that inflates far beyond the limit (64 MiB of it in 64 KiB) stops at the limit, read or not. */
    @Test
    void aZipInflatingBeyondTheLimitIsRefusedWhileReading() throws Exception {
        String user = fresh();
        byte[] bomb =
                zipOfBlanks("Spotify Extended Streaming History/Streaming_History_Audio_2023_0.json", "[", 64 << 20);
        assertThat(bomb.length).isLessThan(1 << 20);
        refused(user, "application/zip", "my_spotify_data.zip", bomb, 413, TOO_LARGE)
                .body(
                        "detail",
                        equalTo("my_spotify_data.zip/Spotify Extended Streaming History/"
                                + "Streaming_History_Audio_2023_0.json: the upload holds more than 1,048,576 bytes once"
                                + " decompressed, the limit per import. Nothing was imported: upload the export's history"
                                + " files in several smaller imports (for example one Streaming_History_Audio_*.json file"
                                + " at a time)."));

        // a file the importer does not read is inflated all the same, so it counts too
        refused(
                        user,
                        "application/zip",
                        "my_spotify_data.zip",
                        zipOfBlanks("Video/video.bin", "", 8 << 20),
                        413,
                        TOO_LARGE)
                .body(
                        "detail",
                        containsString("my_spotify_data.zip/Video/video.bin: the upload holds more"
                                + " than 1,048,576 bytes once decompressed"));
        assertNothingImported(user);
    }

    /** Plain files count with their size, summed over the files of a form; under the limit they pass. */
    @Test
    void plainFilesOverTheLimitAreRefusedWithTheirSize() {
        String user = fresh();
        String big = padded(List.of(extended(PLAYED, 200_000, "spotify:track:" + newTrackId())), MAX_BYTES + 1);
        refused(
                        user,
                        "application/json",
                        "Streaming_History_Audio_2023.json",
                        big.getBytes(StandardCharsets.UTF_8),
                        413,
                        TOO_LARGE)
                .body(
                        "detail",
                        containsString("Streaming_History_Audio_2023.json: the upload holds at least "
                                + String.format(Locale.ROOT, "%,d", MAX_BYTES + 1)
                                + " bytes, more than the limit of 1,048,576 bytes per import."));

        byte[] half = padded(List.of(extended(PLAYED, 200_000, "spotify:track:" + newTrackId())), 600_000)
                .getBytes(StandardCharsets.UTF_8);
        given().auth()
                .oauth2(tokens.user(user))
                .multiPart("file", "Streaming_History_Audio_2023.json", half, "application/json")
                .multiPart("file", "Streaming_History_Audio_2024.json", half, "application/json")
                .when()
                .post("/api/v1/me/imports")
                .then()
                .statusCode(413)
                .contentType("application/problem+json")
                .body("type", equalTo(TOO_LARGE))
                .body(
                        "detail",
                        containsString("Streaming_History_Audio_2024.json: the upload holds at least "
                                + "1,200,000 bytes, more than the limit of 1,048,576 bytes per import."));
        assertNothingImported(user);

        // one of them alone fits
        given().auth()
                .oauth2(tokens.user(user))
                .multiPart("file", "Streaming_History_Audio_2023.json", half, "application/json")
                .when()
                .post("/api/v1/me/imports")
                .then()
                .statusCode(202)
                .body("playsSent", equalTo(1));
    }

    @Test
    void moreEntriesThanTheLimitAreRefused() {
        String track = "spotify:track:" + newTrackId();
        String atLimit = oneEntryPerLine(entries(1_000, track));
        String overLimit = oneEntryPerLine(entries(1_001, track));

        String refusedUser = fresh();
        refused(
                        refusedUser,
                        "application/json",
                        "Streaming_History_Audio_2023.json",
                        overLimit.getBytes(StandardCharsets.UTF_8),
                        413,
                        TOO_LARGE)
                .body(
                        "detail",
                        containsString("Streaming_History_Audio_2023.json: the upload holds more than"
                                + " 1,000 entries, the limit per import."));
        assertNothingImported(refusedUser);

        String acceptedUser = fresh();
        JsonPath job = given().auth()
                .oauth2(tokens.user(acceptedUser))
                .contentType("application/json")
                .queryParam("name", "Streaming_History_Audio_2023.json")
                .body(atLimit)
                .when()
                .post("/api/v1/me/imports")
                .then()
                .statusCode(202)
                .extract()
                .jsonPath();
        assertThat(job.getLong("entriesRead")).isEqualTo(1_000);
        await().atMost(WAIT).until(() -> imports.entriesOf(acceptedUser).size() == 1_000);
    }

    /**
     * Only distinct tracks of plays that the catalogue does not know count: known ones, repeats and the tracks of
     * entries that are not sent (under 30 s) do not.
     */
    @Test
    void playsOfMoreUnknownTracksThanTheLimitAreRefused() {
        List<String> known = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            known.add(newTrackId());
            db.update("""
                    INSERT INTO catalogue_tracks (track_id, name, album_id, artist_ids, artist_names)
                    VALUES (?, 'Known', 'album', ARRAY['artist'], ARRAY['Artist'])
                    """, known.get(i));
        }
        List<String> fiftyUnknown = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            fiftyUnknown.add(newTrackId());
        }
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String id : known) {
            entries.add(extended(PLAYED.plusSeconds(300L * n++), 200_000, "spotify:track:" + id));
        }
        for (String id : fiftyUnknown) {
            entries.add(extended(PLAYED.plusSeconds(300L * n++), 200_000, "spotify:track:" + id));
            entries.add(extended(PLAYED.plusSeconds(300L * n++), 200_000, "spotify:track:" + id));
        }
        for (int i = 0; i < 20; i++) {
            entries.add(extended(PLAYED.plusSeconds(300L * n++), 10_000, "spotify:track:" + newTrackId()));
        }

        String acceptedUser = fresh();
        JsonPath job = given().auth()
                .oauth2(tokens.user(acceptedUser))
                .contentType("application/json")
                .queryParam("name", "Streaming_History_Audio_2023.json")
                .body(oneEntryPerLine(entries))
                .when()
                .post("/api/v1/me/imports")
                .then()
                .statusCode(202)
                .extract()
                .jsonPath();
        assertThat(job.getLong("playsSent")).isEqualTo(130);

        entries.add(extended(PLAYED.plusSeconds(300L * n), 200_000, "spotify:track:" + newTrackId()));
        String refusedUser = fresh();
        refused(
                        refusedUser,
                        "application/json",
                        "Streaming_History_Audio_2023.json",
                        oneEntryPerLine(entries).getBytes(StandardCharsets.UTF_8),
                        422,
                        "urn:audiospective:problem:import-too-many-unknown-tracks")
                .body(
                        "detail",
                        containsString("The upload's plays name at least 51 distinct tracks this archive"
                                + " does not know yet, more than the limit of 50 per import"));
        assertNothingImported(refusedUser);
    }

    /** Two imports running at once (the default): a third waits until one of them is done. */
    @Test
    void aMemberMayRunTwoImportsAtATime() {
        String user = fresh();
        String track = "spotify:track:" + newTrackId();
        String first = accepted(user, oneEntryPerLine(entries(10, track)));
        given().auth()
                .oauth2(tokens.user(user))
                .multiPart(
                        "file",
                        "Streaming_History_Audio_2024.json",
                        oneEntryPerLine(entries(5, track)).getBytes(StandardCharsets.UTF_8),
                        "application/json")
                .when()
                .post("/api/v1/me/imports")
                .then()
                .statusCode(202);
        await().atMost(WAIT).until(() -> imports.entriesOf(user).size() == 15);

        String running = "2 imports of yours are still running (SENDING or IMPORTING), the limit is 2 at a time."
                + " Nothing was imported: wait until one of them is DONE or FAILED (GET /api/v1/me/imports), then"
                + " upload again.";
        refused(
                        user,
                        "application/json",
                        "Streaming_History_Audio_2025.json",
                        oneEntryPerLine(entries(3, track)).getBytes(StandardCharsets.UTF_8),
                        429,
                        "urn:audiospective:problem:too-many-imports-running")
                .body("detail", equalTo(running))
                .header("Retry-After", "60");
        given().auth()
                .oauth2(tokens.user(user))
                .multiPart(
                        "file",
                        "Streaming_History_Audio_2025.json",
                        oneEntryPerLine(entries(3, track)).getBytes(StandardCharsets.UTF_8),
                        "application/json")
                .when()
                .post("/api/v1/me/imports")
                .then()
                .statusCode(429)
                .contentType("application/problem+json")
                .body("detail", equalTo(running));
        // another member is not held up
        accepted(fresh(), oneEntryPerLine(entries(3, track)));

        imports.reportDone(user, first, 1);
        await().atMost(WAIT)
                .until(() -> "DONE"
                        .equals(given().auth()
                                .oauth2(tokens.user(user))
                                .when()
                                .get("/api/v1/me/imports/" + first)
                                .then()
                                .extract()
                                .path("status")));
        accepted(user, oneEntryPerLine(entries(3, track)));
        await().atMost(WAIT).until(() -> imports.entriesOf(user).size() == 18);
        assertThat(given().auth()
                        .oauth2(tokens.user(user))
                        .when()
                        .get("/api/v1/me/imports")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("id"))
                .hasSize(3);
    }

    /**
     * Jobs left SENDING by a replica that stopped mid-send no longer count as running once they are older than the
     * sending could take: they are failed with what to do, and the member may upload again.
     */
    @Test
    void importsLeftSendingByAStoppedReplicaAreFailedAndNoLongerHoldThePlace() {
        String user = fresh();
        List<String> abandoned =
                List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString());
        for (String id : abandoned) {
            db.update("""
                    INSERT INTO imports (id, user_id, status, created_at, files)
                    VALUES (?, ?, 'SENDING', now() - interval '11 minutes', '{Streaming_History_Audio_2022.json}')
                    """, id, user);
        }

        accepted(user, oneEntryPerLine(entries(3, "spotify:track:" + newTrackId())));

        for (String id : abandoned) {
            given().auth()
                    .oauth2(tokens.user(user))
                    .when()
                    .get("/api/v1/me/imports/" + id)
                    .then()
                    .statusCode(200)
                    .body("status", equalTo("FAILED"))
                    .body("error", containsString("sending to the worker was interrupted"))
                    .body("finishedAt", notNullValue());
        }
    }

    /** A job sending for less long than that still counts. */
    @Test
    void anImportStillBeingSentHoldsItsPlace() {
        String user = fresh();
        for (int i = 0; i < 2; i++) {
            db.update("""
                    INSERT INTO imports (id, user_id, status, created_at)
                    VALUES (?, ?, 'SENDING', now() - interval '1 minute')
                    """, UUID.randomUUID().toString(), user);
        }
        refused(
                user,
                "application/json",
                "Streaming_History_Audio_2023.json",
                oneEntryPerLine(entries(3, "spotify:track:" + newTrackId())).getBytes(StandardCharsets.UTF_8),
                429,
                "urn:audiospective:problem:too-many-imports-running");
    }

    /** Two uploads at once for the last place: exactly one gets it, however they interleave. */
    @Test
    void twoUploadsAtOnceCannotBothTakeTheLastPlace() throws Exception {
        String user = fresh();
        String track = "spotify:track:" + newTrackId();
        accepted(user, oneEntryPerLine(entries(3, track)));
        String file = oneEntryPerLine(entries(900, track));
        CyclicBarrier start = new CyclicBarrier(2);
        List<CompletableFuture<Integer>> uploads = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            uploads.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return given().auth()
                        .oauth2(tokens.user(user))
                        .contentType("application/json")
                        .queryParam("name", "Streaming_History_Audio_2023.json")
                        .body(file)
                        .when()
                        .post("/api/v1/me/imports")
                        .then()
                        .extract()
                        .statusCode();
            }));
        }
        List<Integer> statuses = new ArrayList<>();
        for (CompletableFuture<Integer> upload : uploads) {
            statuses.add(upload.get());
        }
        assertThat(statuses).containsExactlyInAnyOrder(202, 429);
        assertThat(given().auth()
                        .oauth2(tokens.user(user))
                        .when()
                        .get("/api/v1/me/imports")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("id"))
                .hasSize(2);
    }

    private String accepted(String user, String file) {
        return given().auth()
                .oauth2(tokens.user(user))
                .contentType("application/json")
                .queryParam("name", "Streaming_History_Audio_2023.json")
                .body(file)
                .when()
                .post("/api/v1/me/imports")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
    }

    private ValidatableResponse refused(
            String user, String contentType, String name, byte[] body, int status, String type) {
        return given().auth()
                .oauth2(tokens.user(user))
                .contentType(contentType)
                .queryParam("name", name)
                .body(body)
                .when()
                .post("/api/v1/me/imports")
                .then()
                .statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("type", equalTo(type));
    }

    /** No chunk went out and no job was left behind. */
    private void assertNothingImported(String user) {
        assertThat(given().auth()
                        .oauth2(tokens.user(user))
                        .when()
                        .get("/api/v1/me/imports")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("id"))
                .isEmpty();
        assertThat(imports.chunksOf(user)).isEmpty();
    }

    /** {@code count} plays of one track, five minutes apart. */
    private static List<String> entries(int count, String trackUri) {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            entries.add(extended(PLAYED.plusSeconds(300L * i), 200_000, trackUri));
        }
        return entries;
    }

    /** A history file of these entries padded with blanks (valid JSON) to exactly {@code size} bytes. */
    private static String padded(List<String> entries, long size) {
        String file = oneEntryPerLine(entries);
        char[] blanks = new char[(int) (size - file.length())];
        Arrays.fill(blanks, ' ');
        return file + new String(blanks);
    }

    /** A zip holding one entry: {@code head} then {@code blanks} spaces, which deflate to almost nothing. */
    private static byte[] zipOfBlanks(String entry, String head, int blanks) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(entry));
            zip.write(head.getBytes(StandardCharsets.UTF_8));
            byte[] block = new byte[1 << 16];
            Arrays.fill(block, (byte) ' ');
            for (int written = 0; written < blanks; written += block.length) {
                zip.write(block);
            }
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }

    private static String fresh() {
        return "lim-" + UUID.randomUUID();
    }
}
