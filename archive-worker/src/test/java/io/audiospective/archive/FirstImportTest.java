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

import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.audiospective.archive.service.UserPoller;
import io.audiospective.model.ArchiveBatch;
import io.audiospective.model.BatchReason;
import io.audiospective.model.ImportChunk;
import io.audiospective.model.ImportEntry;
import io.audiospective.model.ImportProgress;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.ProvisionalIds;
import io.audiospective.model.Topics;
import io.audiospective.model.codec.MessageCodec;
import io.audiospective.support.sql.Db;
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
    Db db;

    @Inject
    ImportFixtures fixtures;

    @Inject
    UserPoller poller;

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
        List<String> knownToSpotify = fixtures.tracksNotInCatalogue(30);
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
        entries.add(new ImportEntry(
                at.plusSeconds(3600),
                25 * 3_600_000L,
                "spotify:track:" + tracks.get(2),
                "Song 2",
                "Artist 2",
                "Album 2",
                null,
                null,
                false,
                false));

        String importId = "first-" + run;
        ConsumerTask<String, byte[]> plays = kafka.consume(String.class, byte[].class)
                .withGroupId("first-" + run)
                .withOffsetReset(OffsetResetStrategy.EARLIEST)
                .fromTopics(Set.of(Topics.PLAYS), records -> records.select().where(r -> user.equals(r.key())));
        try {
            // the counters then count this import's look-ups only: none of another test's is waiting or under way
            await().atMost(WAIT).until(() -> lookUpsWaiting() == 0);
            given().when().delete(Emulator.url() + "/emulator/counters").then().statusCode(200);
            kafka.produce(String.class, byte[].class)
                    .fromRecords(new ProducerRecord<>(
                            Topics.IMPORTS,
                            user,
                            MessageCodec.encode(new ImportChunk(1, importId, user, 0, true, entries))))
                    .awaitCompletion(WAIT);

            // archived at once, whatever the catalogue knows: every valid entry is a play, only the invalid fail
            Map<String, Number> counts = await().atMost(WAIT)
                    .until(
                            () -> counts(importId),
                            c -> c != null && c.get("chunks").intValue() == 1);
            assertThat(counts.get("imported").longValue()).isEqualTo(valid);
            assertThat(counts.get("failed").longValue()).isEqualTo(3);
            assertThat(counts.get("pending").longValue()).isZero();
            assertThat(playedAts(user)).hasSize(valid);

            // then completed: each distinct track looked up at most once
            Map<String, Number> done = await().atMost(WAIT)
                    .until(() -> counts(importId), c -> c.get("awaiting").longValue() == 0);
            assertThat(done.get("without").longValue()).isEqualTo(3L * unknownToSpotify.size());
            assertThat(done.get("imported").longValue()).isEqualTo(valid);
            assertThat(trackLookUps()).isEqualTo(tracks.size());
            assertThat(metadataOf(knownToSpotify)).containsOnlyKeys("SPOTIFY");
            assertThat(metadataOf(unknownToSpotify)).containsOnlyKeys("UNAVAILABLE");

            // on plays: the last version of each play is complete when Spotify described its track, else the file's
            await().atMost(WAIT)
                    .until(() -> latestEvents(plays, user).size() == valid
                            && latestEvents(plays, user).values().stream()
                                            .filter(e -> !e.track().provisional())
                                            .count()
                                    == 3L * knownToSpotify.size());
            Map<Instant, PlayEvent> latest = latestEvents(plays, user);
            for (PlayEvent event : latest.values()) {
                boolean known = knownToSpotify.contains(event.track().id());
                assertThat(event.track().provisional()).isEqualTo(!known);
                assertThat(event.track().artists()).allMatch(a -> ProvisionalIds.isProvisional(a.id()) != known);
                assertThat(ProvisionalIds.isProvisional(event.track().album().id()))
                        .isEqualTo(!known);
                if (!known) {
                    int i = tracks.indexOf(event.track().id());
                    assertThat(event.track().name()).isEqualTo("Song " + i);
                    assertThat(event.track().artists())
                            .extracting(a -> a.name())
                            .containsExactly("Artist " + (i % 4));
                }
            }
            // the progress reports say the same (the last one is published just after the commit seen above)
            ConsumerTask<String, byte[]> reports = kafka.consume(String.class, byte[].class)
                    .withGroupId("prog-" + run)
                    .withOffsetReset(OffsetResetStrategy.EARLIEST)
                    .fromTopics(
                            Set.of(Topics.IMPORTS_PROGRESS),
                            records -> records.select().where(r -> user.equals(r.key())));
            try {
                await().atMost(WAIT)
                        .until(() -> reports.getRecords().stream()
                                .map(r -> MessageCodec.decode(r.value(), ImportProgress.class))
                                .anyMatch(r -> r.importId().equals(importId)
                                        && r.awaitingCatalogue() == 0
                                        && r.withoutCatalogue() == 3L * unknownToSpotify.size()));
            } finally {
                reports.close();
            }
        } finally {
            plays.close();
        }
    }

    /**
     * Undo removes exactly the plays that import added: never a polled play (an entry matching it was a duplicate),
     * never another import's; their removal reaches {@code plays}; chunks of the undone import change nothing; the same
     * entries imported again later are archived again.
     */
    @Test
    void undoRemovesExactlyThePlaysOfThatImportEverywhere() {
        String run = UUID.randomUUID().toString().substring(0, 6);
        String user = Emulator.createUsers(run + "undo", "heavy", 1).get(0);
        poller.poll(ArchiveBatch.of("b-" + run, Instant.now(), BatchReason.MANUAL, List.of(user)), user);
        List<Object> polled = playedAts(user);
        assertThat(polled).isNotEmpty();
        Object[] polledPlay = firstPlay(user);
        List<String> tracks = fixtures.tracksNotInCatalogue(6);

        Instant at = Instant.parse("2019-06-01T10:00:00Z");
        List<ImportEntry> undone = new ArrayList<>();
        List<ImportEntry> kept = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            (i % 2 == 0 ? undone : kept)
                    .add(named(
                            at.plusSeconds(600L * i), tracks.get(i % tracks.size()), "Song " + i, "Artist", "Album"));
        }
        // the polled play again in the import to undo: a duplicate, so the undo must leave it
        undone.add(new ImportEntry(
                ((Instant) polledPlay[0]).plusSeconds(3),
                180_000,
                "spotify:track:" + polledPlay[1],
                "Polled",
                "Artist",
                "Album",
                null,
                null,
                false,
                false));
        String first = "undo-" + run;
        String second = "keep-" + run;
        send(first, user, 0, undone);
        send(second, user, 0, kept);
        await().atMost(WAIT)
                .until(() -> counts(first) != null
                        && counts(second) != null
                        && counts(first).get("chunks").intValue() == 1
                        && counts(second).get("chunks").intValue() == 1);
        assertThat(counts(first).get("imported").longValue()).isEqualTo(6);
        assertThat(playedAts(user)).hasSize(polled.size() + 12);

        ConsumerTask<String, byte[]> plays = kafka.consume(String.class, byte[].class)
                .withGroupId("undo-" + run)
                .withOffsetReset(OffsetResetStrategy.EARLIEST)
                .fromTopics(Set.of(Topics.PLAYS), records -> records.select().where(r -> user.equals(r.key())));
        try {
            kafka.produce(String.class, byte[].class)
                    .fromRecords(new ProducerRecord<>(
                            Topics.IMPORTS, user, MessageCodec.encode(ImportChunk.undo(first, user))))
                    .awaitCompletion(WAIT);
            Map<String, Number> afterUndo = await().atMost(WAIT)
                    .until(() -> counts(first), c -> c.get("undone").intValue() == 1);
            assertThat(afterUndo.get("removed").longValue()).isEqualTo(6);
            Set<Instant> left = instants(user);
            assertThat(left)
                    .hasSize(polled.size() + 6)
                    .contains((Instant) polledPlay[0])
                    .containsAll(kept.stream().map(ImportEntry::endedAt).toList())
                    .doesNotContainAnyElementsOf(undone.subList(0, 6).stream()
                            .map(ImportEntry::endedAt)
                            .toList());
            await().atMost(WAIT)
                    .until(() -> events(plays, user).stream()
                                    .filter(PlayEvent::removed)
                                    .count()
                            == 6);
            assertThat(events(plays, user).stream().filter(PlayEvent::removed))
                    .allMatch(e -> first.equals(e.importId()))
                    .extracting(PlayEvent::playedAt)
                    .containsExactlyInAnyOrderElementsOf(undone.subList(0, 6).stream()
                            .map(ImportEntry::endedAt)
                            .toList());

            // a late chunk of the undone import changes nothing; the same entries under a new import count again
            send(first, user, 1, undone);
            String again = "again-" + run;
            send(again, user, 0, undone.subList(0, 6));
            await().atMost(WAIT)
                    .until(() ->
                            counts(again) != null && counts(again).get("chunks").intValue() == 1);
            assertThat(counts(again).get("imported").longValue()).isEqualTo(6);
            assertThat(counts(first).get("chunks").intValue()).isEqualTo(1);
            assertThat(instants(user)).hasSize(polled.size() + 12);
        } finally {
            plays.close();
        }
    }

    private void send(String importId, String user, int sequence, List<ImportEntry> entries) {
        kafka.produce(String.class, byte[].class)
                .fromRecords(new ProducerRecord<>(
                        Topics.IMPORTS,
                        user,
                        MessageCodec.encode(new ImportChunk(1, importId, user, sequence, true, entries))))
                .awaitCompletion(WAIT);
    }

    private static List<PlayEvent> events(ConsumerTask<String, byte[]> consumer, String user) {
        return consumer.getRecords().stream()
                .filter(r -> user.equals(r.key()))
                .map(r -> MessageCodec.decode(r.value(), PlayEvent.class))
                .toList();
    }

    private Set<Instant> instants(String user) {
        return playedAts(user).stream().map(FirstImportTest::instant).collect(Collectors.toSet());
    }

    private static Instant instant(Object value) {
        return value instanceof java.sql.Timestamp t
                ? t.toInstant()
                : value instanceof java.time.OffsetDateTime o ? o.toInstant() : (Instant) value;
    }

    @SuppressWarnings("unchecked")
    private Object[] firstPlay(String user) {
        Object[] row = (Object[]) QuarkusTransaction.requiringNew()
                .call(() -> db.queryOne(
                                "SELECT played_at, track_id FROM play_events WHERE user_id = ? ORDER BY played_at LIMIT 1",
                                Rows::all,
                                user)
                        .orElse(null));
        row[0] = instant(row[0]);
        return row;
    }

    private static ImportEntry named(Instant endedAt, String trackId, String track, String artist, String album) {
        return new ImportEntry(
                endedAt,
                180_000,
                "spotify:track:" + trackId,
                track,
                artist,
                album,
                "trackdone",
                "trackdone",
                false,
                false);
    }

    private static Map<Instant, PlayEvent> latestEvents(ConsumerTask<String, byte[]> consumer, String user) {
        Map<Instant, PlayEvent> latest = new HashMap<>();
        consumer.getRecords().stream()
                .filter(r -> user.equals(r.key()))
                .map(r -> MessageCodec.decode(r.value(), PlayEvent.class))
                .forEach(e ->
                        latest.merge(e.playedAt(), e, (old, now) -> old.track().provisional() ? now : old));
        return latest;
    }

    /**
     * Tracks the catalogue completion would still ask Spotify about, or has claimed to ask about now, for plays or
     * entries of any import (an undone import's tracks may have been claimed before their plays went).
     */
    private long lookUpsWaiting() {
        return QuarkusTransaction.requiringNew()
                .call(() -> ((Number) db.queryOne("""
                SELECT (SELECT count(*) FROM tracks t WHERE t.metadata = 'FILE'
                          AND (t.lookup_claimed_at IS NOT NULL
                               OR EXISTS (SELECT 1 FROM import_pending p WHERE p.track_id = t.id)))
                     + (SELECT count(*) FROM import_pending p WHERE NOT p.archived
                          AND NOT EXISTS (SELECT 1 FROM tracks t WHERE t.id = p.track_id))
                """, rs -> rs.getObject(1)).orElse(null)).longValue());
    }

    private static long trackLookUps() {
        Map<String, Map<String, Number>> counters = given().when()
                .get(Emulator.url() + "/emulator/counters")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("$");
        return counters.getOrDefault("GET /v1/tracks/{id}", Map.of()).values().stream()
                .mapToLong(Number::longValue)
                .sum();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Long> metadataOf(List<String> ids) {
        List<Object[]> rows = QuarkusTransaction.requiringNew()
                .call(() ->
                        db.query("SELECT metadata, count(*) FROM tracks WHERE id = ANY(?) GROUP BY 1", Rows::all, ids));
        return rows.stream().collect(Collectors.toMap(r -> (String) r[0], r -> ((Number) r[1]).longValue()));
    }

    @SuppressWarnings("unchecked")
    private List<Object> playedAts(String user) {
        return QuarkusTransaction.requiringNew()
                .call(() ->
                        db.query("SELECT played_at FROM play_events WHERE user_id = ?", rs -> rs.getObject(1), user));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Number> counts(String importId) {
        List<Object[]> rows = QuarkusTransaction.requiringNew().call(() -> db.query("""
                SELECT chunks, imported, pending, failed, awaiting_catalogue, without_catalogue,
                       CAST(undone AS int), removed
                FROM import_counts WHERE import_id = ?
                """, Rows::all, importId));
        if (rows.isEmpty()) {
            return null;
        }
        Object[] r = rows.get(0);
        return Map.of(
                "chunks",
                (Number) r[0],
                "imported",
                (Number) r[1],
                "pending",
                (Number) r[2],
                "failed",
                (Number) r[3],
                "awaiting",
                (Number) r[4],
                "without",
                (Number) r[5],
                "undone",
                (Number) r[6],
                "removed",
                (Number) r[7]);
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
}
