package io.audiospective.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.audiospective.api.service.ReadModelService;
import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.CatalogueArtist;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.Topics;
import io.audiospective.model.TrackRef;
import io.audiospective.model.codec.MessageCodec;
import io.audiospective.support.messaging.DeadLetterHeaders;
import io.audiospective.support.sql.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * Genres from {@code catalogue.artists} to top genres and the genre filter of the top lists: the counts equal a
 * count over the member's plays in their zone (+05:30), a play of two artists sharing a genre counting once for it.
 */
@QuarkusTest
class GenresTest {

    private static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    Tokens tokens;

    @Inject
    ReadModelService readModel;

    @Inject
    Db db;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    KafkaCompanion kafka;

    private final String p = UUID.randomUUID().toString().substring(0, 8) + "-";
    private final String user = "genres-" + p + UUID.randomUUID();

    /** R1 indie pop + dream pop, R2 dream pop + shoegaze, R3 none, R4 never looked up. */
    private final Map<String, List<String>> genres = Map.of(
            p + "R1", List.of("indie pop", "dream pop"),
            p + "R2", List.of("dream pop", "shoegaze"),
            p + "R3", List.of());

    /** t2 is R1 with R2 (both dream pop), t4 R2 with R4. */
    private final List<TrackRef> tracks = List.of(
            track("t1", "R1"), track("t2", "R1", "R2"), track("t3", "R3"), track("t4", "R2", "R4"), track("t5", "R4"));

    @BeforeEach
    void connect() {
        kafka = new KafkaCompanion(bootstrapServers);
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }

    private TrackRef track(String id, String... artists) {
        List<ArtistRef> refs = new ArrayList<>();
        for (String artist : artists) {
            refs.add(new ArtistRef(p + artist, "Artist " + artist));
        }
        return new TrackRef(p + id, "Track " + id, 200_000, null, new AlbumRef(p + "A", "Album", "2024", null), refs);
    }

    @Test
    void topGenresAndTheGenreFilterCountTheMembersPlaysOnceForEachGenreOfTheirArtists() {
        given().auth()
                .oauth2(tokens.user(user))
                .contentType("application/json")
                .body(Map.of("timeZone", KOLKATA.getId()))
                .when()
                .put("/api/v1/me/time-zone")
                .then()
                .statusCode(200);
        // plays from February to May 2025, some just before and after local midnight (18:30 UTC)
        Random random = new Random(27);
        List<PlayEvent> plays = new ArrayList<>();
        Instant start = Instant.parse("2025-02-01T00:00:00Z");
        for (int i = 0; i < 120; i++) {
            Instant at = start.plusSeconds(86_400L * random.nextInt(110) + 60L * random.nextInt(1440));
            plays.add(new PlayEvent(
                    PlayEvent.CURRENT_VERSION,
                    user,
                    at,
                    tracks.get(random.nextInt(tracks.size())),
                    1_000L + random.nextInt(300_000),
                    io.audiospective.model.PlaySource.POLL,
                    null));
        }
        plays.add(PlayEvent.polled(user, Instant.parse("2025-03-31T18:29:00Z"), tracks.get(1)));
        plays.add(PlayEvent.polled(user, Instant.parse("2025-03-31T18:31:00Z"), tracks.get(1)));
        plays =
                plays.stream()
                        .collect(java.util.stream.Collectors.toMap(PlayEvent::playedAt, e -> e, (a, b) -> a))
                        .values()
                        .stream()
                        .toList();
        readModel.applyLive(plays);

        Instant fetched = Instant.now();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        genres.forEach((artist, g) -> records.add(
                record(artist, new CatalogueArtist(CatalogueArtist.CURRENT_VERSION, artist, g, null, fetched))));
        // fetched earlier and delivered later (a re-driven dead letter): changes nothing
        records.add(record(
                p + "R1",
                new CatalogueArtist(
                        CatalogueArtist.CURRENT_VERSION, p + "R1", List.of("polka"), null, fetched.minusSeconds(60))));
        records.add(new ProducerRecord<>(
                Topics.CATALOGUE_ARTISTS, p + "poison", "{\"artistId\":".getBytes(StandardCharsets.UTF_8)));
        kafka.produce(String.class, byte[].class).fromRecords(records).awaitCompletion(WAIT);
        await().atMost(WAIT).until(() -> storedGenres().equals(genres));

        for (String[] window : List.of(
                new String[] {"period=all", null, null},
                new String[] {"period=year&date=2025-06-01", "2025-01-01", "2025-12-31"},
                new String[] {"period=month&date=2025-04-01", "2025-04-01", "2025-04-30"},
                // the plays at 23:59 and 00:01 local time fall on either side of midnight
                new String[] {"period=custom&from=2025-03-31&to=2025-03-31", "2025-03-31", "2025-03-31"},
                new String[] {"period=day&date=2025-04-01", "2025-04-01", "2025-04-01"},
                new String[] {"period=week&date=2025-02-12", "2025-02-10", "2025-02-16"})) {
            LocalDate from = window[1] == null ? null : LocalDate.parse(window[1]);
            LocalDate to = window[2] == null ? null : LocalDate.parse(window[2]);
            List<PlayEvent> in = plays.stream()
                    .filter(e -> from == null || inWindow(e, from, to))
                    .toList();
            JsonPath top = get("/api/v1/me/stats/top/genres?limit=50&" + window[0]);
            assertThat(top.getString("window.timeZone")).isEqualTo(KOLKATA.getId());
            assertThat(counts(top, "genre")).as(window[0]).isEqualTo(expectedGenres(in));
            assertThat(top.getList("items.rank", Integer.class)).as(window[0]).isSorted();

            JsonPath artists = get("/api/v1/me/stats/top/artists?limit=50&genre=Dream Pop&" + window[0]);
            assertThat(counts(artists, "id")).as(window[0]).isEqualTo(expected(in, "dream pop", true));
            JsonPath ofTracks = get("/api/v1/me/stats/top/tracks?limit=50&genre=dream pop&" + window[0]);
            assertThat(counts(ofTracks, "id")).as(window[0]).isEqualTo(expected(in, "dream pop", false));
        }
        assertThat(get("/api/v1/me/stats/top/artists?genre=polka&period=all").getList("items", Object.class))
                .isEmpty();

        // genres change without the member's read model changing: the cached answer is not served any more
        assertThat(counts(get("/api/v1/me/stats/top/genres?period=all"), "genre"))
                .doesNotContainKey("lo-fi " + p);
        kafka.produce(String.class, byte[].class)
                .fromRecords(record(
                        p + "R3",
                        new CatalogueArtist(
                                CatalogueArtist.CURRENT_VERSION,
                                p + "R3",
                                List.of("Lo-Fi " + p),
                                null,
                                fetched.plusSeconds(1))))
                .awaitCompletion(WAIT);
        long t3Plays =
                plays.stream().filter(e -> e.track().id().equals(p + "t3")).count();
        await().atMost(WAIT)
                .until(() -> counts(get("/api/v1/me/stats/top/genres?period=all&limit=50"), "genre")
                                .getOrDefault("lo-fi " + p, List.of(0L, 0L))
                                .get(0)
                        == t3Plays);

        var deadLetters = kafka.consume(String.class, byte[].class)
                .withGroupId("genres-check-" + p)
                .withOffsetReset(OffsetResetStrategy.EARLIEST)
                .fromTopics(Topics.deadLetter(Topics.CATALOGUE_ARTISTS));
        List<ConsumerRecord<String, byte[]>> dead = await().atMost(WAIT)
                .until(
                        () -> deadLetters.getRecords().stream()
                                .filter(r -> (p + "poison").equals(r.key()))
                                .toList(),
                        found -> !found.isEmpty());
        deadLetters.close();
        assertThat(new String(
                        dead.get(0)
                                .headers()
                                .lastHeader(DeadLetterHeaders.REASON)
                                .value(),
                        StandardCharsets.UTF_8))
                .contains("CatalogueArtist");
    }

    @Test
    void aBadGenreOrAGenreOfAlbumsIsAProblem() {
        String token = tokens.user(user);
        Map<String, String[]> problems = Map.of(
                "genre must be at most 100", new String[] {"tracks", "genre", "x".repeat(101)},
                "genre must not contain control characters", new String[] {"artists", "genre", "a\u0001b"},
                "genre filters top tracks and top artists only", new String[] {"albums", "genre", "jazz"},
                "limit must be between", new String[] {"genres", "limit", "0"},
                "Unknown period", new String[] {"genres", "period", "fortnight"});
        problems.forEach((detail, request) -> given().auth()
                .oauth2(token)
                .queryParam(request[1], request[2])
                .when()
                .get("/api/v1/me/stats/top/" + request[0])
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString(detail)));
    }

    private boolean inWindow(PlayEvent play, LocalDate from, LocalDate to) {
        LocalDate day = play.playedAt().atZone(KOLKATA).toLocalDate();
        return !day.isBefore(from) && !day.isAfter(to);
    }

    /** Each play once for each distinct genre of its track's artists. */
    private Map<String, List<Long>> expectedGenres(List<PlayEvent> plays) {
        Map<String, List<Long>> counts = new HashMap<>();
        for (PlayEvent play : plays) {
            Set<String> of = new LinkedHashSet<>();
            play.track().artists().forEach(a -> of.addAll(genres.getOrDefault(a.id(), List.of())));
            for (String genre : of) {
                counts.merge(genre, List.of(1L, play.msPlayed()), GenresTest::add);
            }
        }
        return counts;
    }

    /** Plays per artist of the genre, or per track with an artist of the genre. */
    private Map<String, List<Long>> expected(List<PlayEvent> plays, String genre, boolean byArtist) {
        Map<String, List<Long>> counts = new HashMap<>();
        for (PlayEvent play : plays) {
            List<String> ids = new ArrayList<>();
            for (ArtistRef artist : play.track().artists()) {
                if (genres.getOrDefault(artist.id(), List.of()).contains(genre)) {
                    ids.add(byArtist ? artist.id() : play.track().id());
                }
            }
            for (String id : new LinkedHashSet<>(ids)) {
                counts.merge(id, List.of(1L, play.msPlayed()), GenresTest::add);
            }
        }
        return counts;
    }

    private static List<Long> add(List<Long> a, List<Long> b) {
        return List.of(a.get(0) + b.get(0), a.get(1) + b.get(1));
    }

    /** The answer's items as key to [plays, ms]. */
    private static Map<String, List<Long>> counts(JsonPath answer, String key) {
        Map<String, List<Long>> counts = new HashMap<>();
        List<Map<String, Object>> items = answer.getList("items");
        for (Map<String, Object> item : items) {
            counts.put(
                    (String) item.get(key),
                    List.of(((Number) item.get("plays")).longValue(), ((Number) item.get("ms")).longValue()));
        }
        return counts;
    }

    private Map<String, List<String>> storedGenres() {
        Map<String, List<String>> stored = new HashMap<>();
        db.query(
                "SELECT artist_id, genres FROM catalogue_artist_details WHERE artist_id LIKE ?",
                rs -> stored.put(rs.getString(1), Db.strings(rs, "genres")),
                p + "%");
        return stored;
    }

    private JsonPath get(String path) {
        return given().auth()
                .oauth2(tokens.user(user))
                .when()
                .get(path)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static ProducerRecord<String, byte[]> record(String artist, CatalogueArtist details) {
        return new ProducerRecord<>(Topics.CATALOGUE_ARTISTS, artist, MessageCodec.encode(details));
    }
}
