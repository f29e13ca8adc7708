package io.audiospective.archive;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.audiospective.model.ImportChunk;
import io.audiospective.model.ImportEntry;
import io.audiospective.model.ImportProgress;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.ProvisionalIds;
import io.audiospective.model.Topics;
import io.audiospective.model.codec.MessageCodec;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * A member's first import: tracks the catalogue does not know, a third of them unknown to Spotify too (removed from
 * its catalogue), against the emulator, PostgreSQL, Redis and Kafka. Every valid entry is archived at once under the
 * names its file gives; the catalogue is completed afterwards with at most one Spotify call per distinct track; plays
 * of tracks Spotify describes are published again complete, the others keep the file's names; only invalid entries
 * fail.
 */
@QuarkusTest
class FirstImportTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    @Inject
    EntityManager entityManager;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    KafkaCompanion kafka;

    @BeforeEach
    void open() {
        kafka = new KafkaCompanion(bootstrapServers);
    }

    @AfterEach
    void close() {
        kafka.close();
    }

    @Test
    void everyValidEntryIsArchivedAtOnceAndTheCatalogueIsCompletedOnceAfterwards() {
        String run = UUID.randomUUID().toString().substring(0, 6);
        String user = Emulator.createUsers(run + "first", "typical", 1).get(0);
        List<String> knownToSpotify = tracksNotInCatalogue(30);
        List<String> unknownToSpotify = randomIds(15);
        List<String> tracks = new ArrayList<>(knownToSpotify);
        tracks.addAll(unknownToSpotify);

        List<ImportEntry> entries = new ArrayList<>();
        Instant at = Instant.parse("2016-04-01T08:00:00Z");
        for (int play = 0; play < 3; play++) {
            for (int i = 0; i < tracks.size(); i++) {
                at = at.plusSeconds(240);
                // a few album artists, so that provisional artists are shared by several tracks
                entries.add(named(at, tracks.get(i), "Song " + i, "Artist " + (i % 4), "Album " + (i % 6)));
            }
        }
        int valid = entries.size();
        // invalid whoever sent them: before Spotify existed, far in the future, longer than a day
        entries.add(named(Instant.parse("2005-01-01T00:00:00Z"), tracks.get(0), "Song 0", "Artist 0", "Album 0"));
        entries.add(named(Instant.parse("+290000-01-01T00:00:00Z"), tracks.get(1), "Song 1", "Artist 1", "Album 1"));
        entries.add(new ImportEntry(at.plusSeconds(3600), 25 * 3_600_000L, "spotify:track:" + tracks.get(2),
                "Song 2", "Artist 2", "Album 2", null, null, false, false));

        String importId = "first-" + run;
        ConsumerTask<String, byte[]> plays = kafka.consume(String.class, byte[].class).withGroupId("first-" + run)
                .withOffsetReset(OffsetResetStrategy.EARLIEST)
                .fromTopics(Set.of(Topics.PLAYS), records -> records.select().where(r -> user.equals(r.key())));
        try {
            given().when().delete(Emulator.url() + "/emulator/counters").then().statusCode(200);
            kafka.produce(String.class, byte[].class).fromRecords(new ProducerRecord<>(Topics.IMPORTS, user,
                    MessageCodec.encode(new ImportChunk(1, importId, user, 0, true, entries)))).awaitCompletion(WAIT);

            // archived at once, whatever the catalogue knows: every valid entry is a play, only the invalid fail
            Map<String, Number> counts = await().atMost(WAIT).until(() -> counts(importId),
                    c -> c != null && c.get("chunks").intValue() == 1);
            assertThat(counts.get("imported").longValue()).isEqualTo(valid);
            assertThat(counts.get("failed").longValue()).isEqualTo(3);
            assertThat(counts.get("pending").longValue()).isZero();
            assertThat(playedAts(user)).hasSize(valid);

            // then completed: each distinct track looked up at most once
            Map<String, Number> done = await().atMost(WAIT).until(() -> counts(importId),
                    c -> c.get("awaiting").longValue() == 0);
            assertThat(done.get("without").longValue()).isEqualTo(3L * unknownToSpotify.size());
            assertThat(done.get("imported").longValue()).isEqualTo(valid);
            assertThat(trackLookUps()).isEqualTo(tracks.size());
            assertThat(metadataOf(knownToSpotify)).containsOnlyKeys("SPOTIFY");
            assertThat(metadataOf(unknownToSpotify)).containsOnlyKeys("UNAVAILABLE");

            // on plays: the last version of each play is complete when Spotify described its track, else the file's
            await().atMost(WAIT).until(() -> latestEvents(plays, user).size() == valid
                    && latestEvents(plays, user).values().stream().filter(e -> !e.track().provisional()).count()
                            == 3L * knownToSpotify.size());
            Map<Instant, PlayEvent> latest = latestEvents(plays, user);
            for (PlayEvent event : latest.values()) {
                boolean known = knownToSpotify.contains(event.track().id());
                assertThat(event.track().provisional()).isEqualTo(!known);
                assertThat(event.track().artists()).allMatch(a -> ProvisionalIds.isProvisional(a.id()) != known);
                assertThat(ProvisionalIds.isProvisional(event.track().album().id())).isEqualTo(!known);
                if (!known) {
                    int i = tracks.indexOf(event.track().id());
                    assertThat(event.track().name()).isEqualTo("Song " + i);
                    assertThat(event.track().artists()).extracting(a -> a.name()).containsExactly("Artist " + (i % 4));
                }
            }
            // the progress reports say the same
            List<ImportProgress> reports = kafka.consume(String.class, byte[].class).withGroupId("prog-" + run)
                    .withOffsetReset(OffsetResetStrategy.EARLIEST)
                    .fromTopics(Set.of(Topics.IMPORTS_PROGRESS), records -> records.select()
                            .where(r -> user.equals(r.key())))
                    .awaitRecords(1, WAIT).getRecords().stream()
                    .map(r -> MessageCodec.decode(r.value(), ImportProgress.class)).toList();
            assertThat(reports).anyMatch(r -> r.importId().equals(importId) && r.awaitingCatalogue() == 0
                    && r.withoutCatalogue() == 3L * unknownToSpotify.size());
        } finally {
            plays.close();
        }
    }

    private static ImportEntry named(Instant endedAt, String trackId, String track, String artist, String album) {
        return new ImportEntry(endedAt, 180_000, "spotify:track:" + trackId, track, artist, album, "trackdone",
                "trackdone", false, false);
    }

    private static Map<Instant, PlayEvent> latestEvents(ConsumerTask<String, byte[]> consumer, String user) {
        Map<Instant, PlayEvent> latest = new HashMap<>();
        consumer.getRecords().stream().filter(r -> user.equals(r.key()))
                .map(r -> MessageCodec.decode(r.value(), PlayEvent.class))
                .forEach(e -> latest.merge(e.playedAt(), e, (old, now) -> old.track().provisional() ? now : old));
        return latest;
    }

    private static long trackLookUps() {
        Map<String, Map<String, Number>> counters = given().when().get(Emulator.url() + "/emulator/counters").then()
                .statusCode(200).extract().jsonPath().getMap("$");
        return counters.getOrDefault("GET /v1/tracks/{id}", Map.of()).values().stream()
                .mapToLong(Number::longValue).sum();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Long> metadataOf(List<String> ids) {
        List<Object[]> rows = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
                "SELECT metadata, count(*) FROM tracks WHERE id = ANY(CAST(:ids AS text[])) GROUP BY 1")
                .setParameter("ids", ids.toArray(String[]::new)).getResultList());
        return rows.stream().collect(Collectors.toMap(r -> (String) r[0], r -> ((Number) r[1]).longValue()));
    }

    @SuppressWarnings("unchecked")
    private List<Object> playedAts(String user) {
        return QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
                "SELECT played_at FROM play_events WHERE user_id = :u").setParameter("u", user).getResultList());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Number> counts(String importId) {
        List<Object[]> rows = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery("""
                SELECT chunks, imported, pending, failed, awaiting_catalogue, without_catalogue
                FROM import_counts WHERE import_id = :id
                """).setParameter("id", importId).getResultList());
        if (rows.isEmpty()) {
            return null;
        }
        Object[] r = rows.get(0);
        return Map.of("chunks", (Number) r[0], "imported", (Number) r[1], "pending", (Number) r[2],
                "failed", (Number) r[3], "awaiting", (Number) r[4], "without", (Number) r[5]);
    }

    /** Ids of the right shape that no catalogue has (the emulator's are generated from its seed). */
    private static List<String> randomIds(int count) {
        Random random = new Random();
        List<String> ids = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            StringBuilder id = new StringBuilder("zZ");
            for (int i = 2; i < 22; i++) {
                id.append(BASE62.charAt(random.nextInt(BASE62.length())));
            }
            ids.add(id.toString());
        }
        return ids;
    }

    @SuppressWarnings("unchecked")
    private List<String> tracksNotInCatalogue(int count) {
        List<String> ids = given().when().get(Emulator.url() + "/emulator/catalogue?offset="
                + (int) (Math.random() * 20_000) + "&limit=1000").then().statusCode(200).extract().jsonPath()
                .getList("track_ids");
        List<String> known = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
                "SELECT id FROM tracks WHERE id = ANY(CAST(:ids AS text[]))")
                .setParameter("ids", ids.toArray(String[]::new)).getResultList());
        return ids.stream().filter(id -> !known.contains(id)).limit(count).toList();
    }
}
