package io.audiospective.api;

import static io.audiospective.api.HistoryFiles.accountData;
import static io.audiospective.api.HistoryFiles.extended;
import static io.audiospective.api.HistoryFiles.newTrackId;
import static io.audiospective.api.HistoryFiles.oneEntryPerLine;
import static io.audiospective.api.HistoryFiles.prettyPrinted;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.audiospective.model.ImportEntry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Every entry's values are checked: one that cannot be real is skipped, counted by reason and kept as an example
 * with its file and line, while the valid entries of the same file are still sent.
 */
@QuarkusTest
class ImportValidationTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Instant PLAYED = Instant.parse("2023-03-01T10:00:00Z");
    private static final DateTimeFormatter END_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    @Inject
    Tokens tokens;

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

    @Test
    void streamsEndingBeforeSpotifysLaunchAreSkippedWithFileAndLine() {
        String user = fresh();
        String track = "spotify:track:" + newTrackId();
        String file = oneEntryPerLine(List.of(
                extended(PLAYED, 200_000, track),
                extended("1970-01-01T00:00:00Z", 200_000, track),
                extended("2008-10-06T23:59:59Z", 200_000, track),
                extended("2008-10-07T00:00:00Z", 200_000, track),
                extended(PLAYED.plusSeconds(600), 200_000, track)));

        JsonPath job = upload(user, "Streaming_History_Audio_2008-2023.json", file);

        assertThat(job.getLong("entriesRead")).isEqualTo(5);
        assertThat(job.getLong("playsSent")).isEqualTo(3);
        assertThat(job.getMap("skipped")).isEqualTo(Map.of("invalid: ts before 2008-10-07", 2));
        assertThat(job.getList("rejected"))
                .isEqualTo(List.of(
                        rejected("Streaming_History_Audio_2008-2023.json", 1, 3, "invalid: ts before 2008-10-07"),
                        rejected("Streaming_History_Audio_2008-2023.json", 2, 4, "invalid: ts before 2008-10-07")));
        assertThat(sent(user, 3))
                .extracting(ImportEntry::endedAt)
                .containsExactly(PLAYED, Instant.parse("2008-10-07T00:00:00Z"), PLAYED.plusSeconds(600));
    }

    /** Spotify's own layout (a field per line): the line is where the entry's object opens. */
    @Test
    void streamsEndingMoreThanADayFromNowAreSkippedAsInTheFuture() {
        String user = fresh();
        String track = "spotify:track:" + newTrackId();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String file = prettyPrinted(List.of(
                extended(now.minus(1, ChronoUnit.HOURS), 200_000, track),
                extended(now.plus(2, ChronoUnit.DAYS), 200_000, track),
                extended(now.plus(23, ChronoUnit.HOURS), 200_000, track),
                extended(now.plus(400, ChronoUnit.DAYS), 200_000, track)));

        JsonPath job = upload(user, "Streaming_History_Audio_2025.json", file);

        assertThat(job.getLong("playsSent")).isEqualTo(2);
        assertThat(job.getMap("skipped")).isEqualTo(Map.of("invalid: ts in the future", 2));
        // an entry is 19 lines: "{", 17 fields, "}"
        assertThat(job.getList("rejected"))
                .isEqualTo(List.of(
                        rejected("Streaming_History_Audio_2025.json", 1, 21, "invalid: ts in the future"),
                        rejected("Streaming_History_Audio_2025.json", 3, 59, "invalid: ts in the future")));
        assertThat(sent(user, 2))
                .extracting(ImportEntry::endedAt)
                .containsExactly(now.minus(1, ChronoUnit.HOURS), now.plus(23, ChronoUnit.HOURS));
    }

    @Test
    void msPlayedBelowZeroOrAboveADayIsSkippedAsOutOfRange() {
        String user = fresh();
        String track = "spotify:track:" + newTrackId();
        String file = oneEntryPerLine(List.of(
                extended(PLAYED, -1, track),
                extended(PLAYED.plusSeconds(300), 86_400_000, track),
                extended(PLAYED.plusSeconds(600), 86_400_001, track),
                extended(PLAYED.plusSeconds(900), 0, track),
                extended(PLAYED.plusSeconds(1200), 0, track)
                        .replace("\"ms_played\":0", "\"ms_played\":99999999999999999999"),
                extended(PLAYED.plusSeconds(1500), 200_000, track)));

        JsonPath job = upload(user, "endsong_0.json", file);

        assertThat(job.getLong("entriesRead")).isEqualTo(6);
        assertThat(job.getLong("playsSent")).isEqualTo(2);
        assertThat(job.getMap("skipped")).isEqualTo(Map.of("invalid: ms_played out of range", 3, "under 30 s", 1));
        assertThat(job.getList("rejected"))
                .isEqualTo(List.of(
                        rejected("endsong_0.json", 0, 2, "invalid: ms_played out of range"),
                        rejected("endsong_0.json", 2, 4, "invalid: ms_played out of range"),
                        rejected("endsong_0.json", 4, 6, "invalid: ms_played out of range")));
        assertThat(sent(user, 2)).extracting(ImportEntry::msPlayed).containsExactly(86_400_000L, 200_000L);
    }

    @Test
    void trackIdsThatAreNot22Base62CharactersAreSkippedAsMalformed() {
        String user = fresh();
        String id = newTrackId();
        String file = oneEntryPerLine(List.of(
                extended(PLAYED, 200_000, "spotify:track:" + id.substring(1)),
                extended(PLAYED.plusSeconds(300), 200_000, "spotify:track:" + id + "x"),
                extended(PLAYED.plusSeconds(600), 200_000, "spotify:track:" + id.substring(2) + "-_"),
                extended(PLAYED.plusSeconds(900), 200_000, "spotify:track:"),
                extended(PLAYED.plusSeconds(1200), 200_000, "spotify:track:" + id.substring(1) + "é"),
                extended(PLAYED.plusSeconds(1500), 200_000, "spotify:track:" + id)));

        JsonPath job = upload(user, "Streaming_History_Audio_2023.json", file);

        assertThat(job.getLong("playsSent")).isEqualTo(1);
        assertThat(job.getMap("skipped")).isEqualTo(Map.of("invalid: malformed track id", 5));
        assertThat(job.getList("rejected.line", Integer.class)).containsExactly(2, 3, 4, 5, 6);
        assertThat(job.getList("rejected.reason", String.class)).containsOnly("invalid: malformed track id");
        assertThat(sent(user, 1)).extracting(ImportEntry::trackUri).containsExactly("spotify:track:" + id);
    }

    @Test
    void accountDataWithAnImpossibleEndTimeOrMsPlayedIsSkipped() {
        String user = fresh();
        String file = oneEntryPerLine(List.of(
                accountData("2007-12-31 23:59", 200_000, "Old"),
                accountData(END_TIME.format(Instant.now().plus(3, ChronoUnit.DAYS)), 200_000, "Ahead"),
                accountData("2023-03-01 10:04", -5, "Negative"),
                accountData("2023-03-01 10:09", 90_000_000, "Endless"),
                accountData("2023-03-01 10:14", 200_000, "Fine")));

        JsonPath job = upload(user, "StreamingHistory_music_0.json", file);

        assertThat(job.getLong("playsSent")).isEqualTo(1);
        assertThat(job.getMap("skipped"))
                .isEqualTo(Map.of(
                        "invalid: endTime before 2008-10-07",
                        1,
                        "invalid: endTime in the future",
                        1,
                        "invalid: msPlayed out of range",
                        2));
        assertThat(job.getList("rejected"))
                .isEqualTo(List.of(
                        rejected("StreamingHistory_music_0.json", 0, 2, "invalid: endTime before 2008-10-07"),
                        rejected("StreamingHistory_music_0.json", 1, 3, "invalid: endTime in the future"),
                        rejected("StreamingHistory_music_0.json", 2, 4, "invalid: msPlayed out of range"),
                        rejected("StreamingHistory_music_0.json", 3, 5, "invalid: msPlayed out of range")));
        assertThat(sent(user, 1)).extracting(ImportEntry::trackName).containsExactly("Fine");
    }

    /** All invalid entries are counted; the job keeps the first 20, each naming its zip entry, stored with it. */
    @Test
    void theFirst20InvalidEntriesOfAZipAreKeptWithTheirZipEntryAndLine() {
        String user = fresh();
        String track = "spotify:track:" + newTrackId();
        List<String> first = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            first.add(
                    i % 2 == 0
                            ? extended(PLAYED.plusSeconds(300L * i), 200_000, track)
                            : extended("1999-01-01T00:00:00Z", 200_000, track)); // 15 invalid, entries 1, 3, ... 29
        }
        List<String> second = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            second.add(extended(PLAYED.plusSeconds(300L * (100 + i)), -1, track)); // 10 invalid
        }
        second.add(extended(PLAYED.plusSeconds(300L * 200), 200_000, track));
        byte[] zip = HistoryFiles.zip(Map.of(
                "Spotify Extended Streaming History/Streaming_History_Audio_2023_0.json", oneEntryPerLine(first),
                "Spotify Extended Streaming History/Streaming_History_Audio_2023_1.json", oneEntryPerLine(second)));

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

        assertThat(job.getLong("entriesRead")).isEqualTo(41);
        assertThat(job.getLong("playsSent")).isEqualTo(16);
        assertThat(job.getMap("skipped"))
                .isEqualTo(Map.of("invalid: ts before 2008-10-07", 15, "invalid: ms_played out of range", 10));
        List<Map<String, Object>> expected = new ArrayList<>();
        for (int i = 1; i < 30; i += 2) {
            expected.add(rejected(
                    "my_spotify_data.zip/Spotify Extended Streaming History/" + "Streaming_History_Audio_2023_0.json",
                    i,
                    i + 2,
                    "invalid: ts before 2008-10-07"));
        }
        for (int i = 0; i < 5; i++) {
            expected.add(rejected(
                    "my_spotify_data.zip/Spotify Extended Streaming History/" + "Streaming_History_Audio_2023_1.json",
                    i,
                    i + 2,
                    "invalid: ms_played out of range"));
        }
        assertThat(job.getList("rejected")).isEqualTo(expected);
        // stored with the job, not only in the upload's answer
        String id = job.getString("id");
        assertThat(given().auth()
                        .oauth2(tokens.user(user))
                        .when()
                        .get("/api/v1/me/imports/" + id)
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("rejected"))
                .isEqualTo(expected);
        assertThat(given().auth()
                        .oauth2(tokens.user(user))
                        .when()
                        .get("/api/v1/me/imports")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("[0].rejected"))
                .isEqualTo(expected);
        assertThat(sent(user, 16))
                .hasSize(16)
                .allMatch(e -> e.msPlayed() == 200_000 && !e.endedAt().isBefore(PLAYED));
    }

    /** Values that are not timestamps or numbers at all mean the file is not a history file: the upload fails. */
    @Test
    void aTimestampOrNumberThatIsNoneStillFailsTheWholeUpload() {
        String user = fresh();
        String track = "spotify:track:" + newTrackId();
        refused(
                user,
                "Streaming_History_Audio_2023.json",
                oneEntryPerLine(List.of(extended(PLAYED, 200_000, track), extended("yesterday", 200_000, track))),
                "Streaming_History_Audio_2023.json: entry 1: ts 'yesterday' is not a timestamp");
        refused(
                user,
                "Streaming_History_Audio_2023.json",
                oneEntryPerLine(List.of(
                        extended(PLAYED, 200_000, track),
                        extended(PLAYED, 0, track).replace("\"ms_played\":0", "\"ms_played\":\"long\""))),
                "Streaming_History_Audio_2023.json: entry 1: ms_played is not a number");
        assertThat(imports.chunksOf(user)).isEmpty();
    }

    private JsonPath upload(String user, String name, String file) {
        JsonPath job = given().auth()
                .oauth2(tokens.user(user))
                .contentType("application/json")
                .queryParam("name", name)
                .body(file)
                .when()
                .post("/api/v1/me/imports")
                .then()
                .statusCode(202)
                .extract()
                .jsonPath();
        assertThat(job.getList("files")).containsExactly(name);
        return job;
    }

    private void refused(String user, String name, String file, String detail) {
        given().auth()
                .oauth2(tokens.user(user))
                .contentType("application/json")
                .queryParam("name", name)
                .body(file)
                .when()
                .post("/api/v1/me/imports")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("detail", containsString(detail));
    }

    /** The entries sent for the user, once there are {@code count} of them. */
    private List<ImportEntry> sent(String user, int count) {
        await().atMost(WAIT).until(() -> imports.entriesOf(user).size() >= count);
        return imports.entriesOf(user);
    }

    private static Map<String, Object> rejected(String file, int entry, int line, String reason) {
        return Map.of("file", file, "entry", entry, "line", line, "reason", reason);
    }

    private static String fresh() {
        return "val-" + UUID.randomUUID();
    }
}
