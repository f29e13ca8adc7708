package io.audiospective.archive;

import static io.audiospective.archive.ImportFixtures.WAIT;
import static io.audiospective.archive.ImportFixtures.entry;
import static io.audiospective.archive.ImportFixtures.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.audiospective.archive.repository.CatalogueRepository;
import io.audiospective.archive.service.UserPoller;
import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArchiveBatch;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.BatchReason;
import io.audiospective.model.ImportChunk;
import io.audiospective.model.ImportEntry;
import io.audiospective.model.ImportProgress;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.PlaySource;
import io.audiospective.model.Topics;
import io.audiospective.model.TrackRef;
import io.audiospective.model.codec.MessageCodec;
import io.audiospective.support.sql.Db;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * Imports through the {@code imports} topic merged with polled history, against the emulator, PostgreSQL, Redis
 * and Kafka. Their speed is {@code bench.ImportBenchmark}'s subject.
 */
@QuarkusTest
class ImportTest {

    /** Entries of known tracks in the overlap test: over a chunk's 5,000, so that one merge spans two chunks. */
    private static final int ENTRIES = 6_000;

    private static final String UNKNOWN_TO_SPOTIFY = "0000000000000000000000";

    @Inject
    ImportFixtures fixtures;

    @Inject
    Db db;

    @Inject
    UserPoller poller;

    @Inject
    RedisDataSource redis;

    @Inject
    CatalogueRepository catalogue;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    KafkaCompanion kafka;

    @BeforeEach
    void open() {
        kafka = new KafkaCompanion(bootstrapServers);
    }

    @AfterEach
    void close() {
        Emulator.resetSettings();
        redis.key().del("spotify:rate:pause-until");
        kafka.close();
    }

    @Test
    void anExportOverlappingPolledHistoryArchivesTheUnionOnceAndAReimportChangesNothing() {
        String user = Emulator.createUsers(run() + "imp", "heavy", 1).get(0);
        poller.poll(ArchiveBatch.of("b-" + run(), Instant.now(), BatchReason.MANUAL, List.of(user)), user);
        List<Object[]> polled = fixtures.playsOf(user);
        assertThat(polled).isNotEmpty();
        List<String> knownTracks =
                polled.stream().map(r -> (String) r[1]).distinct().toList();
        List<String> unknownTracks = fixtures.tracksNotInCatalogue(25);

        List<ImportEntry> entries = new ArrayList<>();
        // the polled plays again, as the export has them: second precision, and a few seconds off
        for (int i = 0; i < polled.size(); i++) {
            Instant playedAt = (Instant) polled.get(i)[0];
            entries.add(entry(playedAt.truncatedTo(ChronoUnit.SECONDS).plusSeconds(i % 2 == 0 ? -3 : 4), (String)
                    polled.get(i)[1]));
        }
        Instant oldest = polled.stream()
                .map(r -> (Instant) r[0])
                .min(Instant::compareTo)
                .orElseThrow()
                .truncatedTo(ChronoUnit.SECONDS);
        for (int i = 1; i <= ENTRIES; i++) {
            entries.add(entry(oldest.minusSeconds(3600 + 200L * i), knownTracks.get(i % knownTracks.size())));
        }
        Instant older = oldest.minusSeconds(3600 + 200L * (ENTRIES + 10));
        for (int i = 0; i < unknownTracks.size(); i++) {
            entries.add(entry(older.minusSeconds(300L * i), unknownTracks.get(i)));
        }
        entries.add(entry(older.minusSeconds(300L * 40), UNKNOWN_TO_SPOTIFY));

        String first = "imp-" + run();
        int chunks = fixtures.send(first, user, entries);
        Map<String, Number> counts = fixtures.awaitDone(first, chunks);

        long expectedNew = ENTRIES + unknownTracks.size();
        assertThat(chunks).as("chunks, so that one merge spans several").isGreaterThan(1);
        assertThat(counts.get("imported").longValue()).isEqualTo(expectedNew);
        assertThat(counts.get("duplicates").longValue()).isEqualTo(polled.size());
        assertThat(counts.get("failed").longValue()).isEqualTo(1);
        List<Object[]> archived = fixtures.playsOf(user);
        assertThat(archived).hasSize((int) (polled.size() + expectedNew));
        Set<String> keys = new HashSet<>();
        archived.forEach(r -> keys.add(r[0] + "|" + r[1]));
        polled.forEach(r -> assertThat(keys).contains(r[0] + "|" + r[1]));

        String again = "imp-" + run();
        fixtures.send(again, user, entries);
        Map<String, Number> second = fixtures.awaitDone(again, chunks);
        assertThat(second.get("imported").longValue()).isZero();
        assertThat(second.get("duplicates").longValue()).isEqualTo(polled.size() + expectedNew);
        assertThat(fixtures.playsOf(user)).hasSize(archived.size());

        publishedImportsMatchPolledOnes(user, first);
    }

    /**
     * Chunks are consumed in batches: a malformed record among good chunks goes to {@code imports.dlq} alone, with
     * its reason and original bytes, and the chunks around it are archived.
     */
    @Test
    void aMalformedChunkIsDeadLetteredWithItsReasonAndTheChunksAroundItAreArchived() {
        String user = "u-" + run() + "-dlq";
        String importId = "imp-" + run();
        String polled = fixtures.catalogueTracks(1).get(0);
        Instant at = Instant.parse("2018-05-06T07:08:09Z");
        byte[] malformed = ("{\"schemaVersion\":1,\"userId\":\"" + user + "\",\"sequence\":1,\"lastChunk\":false,"
                        + "\"entries\":[]}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var deadLetters = kafka.consume(String.class, byte[].class)
                .withGroupId("dlq-" + run())
                .withOffsetReset(org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST)
                .fromTopics(Topics.deadLetter(Topics.IMPORTS));
        try {
            kafka.produce(String.class, byte[].class)
                    .fromRecords(
                            new ProducerRecord<>(
                                    Topics.IMPORTS,
                                    user,
                                    MessageCodec.encode(
                                            new ImportChunk(1, importId, user, 0, false, List.of(entry(at, polled))))),
                            new ProducerRecord<>(Topics.IMPORTS, user, malformed),
                            new ProducerRecord<>(
                                    Topics.IMPORTS,
                                    user,
                                    MessageCodec.encode(new ImportChunk(
                                            1, importId, user, 2, true, List.of(entry(at.plusSeconds(600), polled))))))
                    .awaitCompletion(WAIT);

            var dead = await().atMost(WAIT)
                    .until(
                            () -> deadLetters.getRecords().stream()
                                    .filter(r -> user.equals(r.key()))
                                    .findFirst(),
                            java.util.Optional::isPresent)
                    .orElseThrow();
            assertThat(new String(
                            dead.headers().lastHeader("dead-letter-reason").value(),
                            java.nio.charset.StandardCharsets.UTF_8))
                    .contains("importId is required");
            assertThat(dead.value()).isEqualTo(malformed);
            Map<String, Number> counts = fixtures.awaitDone(importId, 2);
            assertThat(counts.get("imported").longValue()).isEqualTo(2);
            assertThat(fixtures.playsOf(user)).hasSize(2);
        } finally {
            deadLetters.close();
        }
    }

    /**
     * One play per instant: an entry at the very instant of an archived play of another track, and the second of two
     * entries at one instant, are duplicates (the merge has no ON CONFLICT to fall back on); a re-import adds nothing.
     */
    @Test
    void entriesAtTheInstantOfAnotherPlayAreDuplicates() {
        String user = "u-" + run() + "-instant";
        List<String> tracks = fixtures.catalogueTracks(2);
        Instant archivedAt = Instant.parse("2017-02-03T04:05:06Z");
        Instant sharedAt = archivedAt.plusSeconds(3600);
        String first = "imp-" + run();
        fixtures.send(first, user, List.of(entry(archivedAt, tracks.get(0))));
        assertThat(fixtures.awaitDone(first, 1).get("imported").longValue()).isEqualTo(1);

        List<ImportEntry> clashing = List.of(
                entry(archivedAt, tracks.get(1)), entry(sharedAt, tracks.get(0)), entry(sharedAt, tracks.get(1)));
        String second = "imp-" + run();
        fixtures.send(second, user, clashing);
        Map<String, Number> counts = fixtures.awaitDone(second, 1);
        assertThat(counts.get("imported").longValue()).isEqualTo(1);
        assertThat(counts.get("duplicates").longValue()).isEqualTo(2);
        List<Object[]> plays = fixtures.playsOf(user);
        assertThat(plays).extracting(r -> r[0]).containsExactly(archivedAt, sharedAt);
        assertThat(plays.get(0)[1]).isEqualTo(tracks.get(0));

        String again = "imp-" + run();
        fixtures.send(again, user, clashing);
        assertThat(fixtures.awaitDone(again, 1).get("duplicates").longValue()).isEqualTo(3);
        assertThat(fixtures.playsOf(user)).hasSize(2);
    }

    /**
     * An export fresher than the last poll (or uploaded while polls failed): its plays are archived from the file,
     * second precision, and the poll that sees the same plays later, to the millisecond, must not archive them again.
     */
    @Test
    void playsImportedBeforeTheirPollAreNotArchivedAgainByIt() {
        String user = Emulator.createUsers(run() + "first", "heavy", 1).get(0);
        long now = Emulator.nowMs();
        Set<Long> visible = Emulator.newestVisible(Emulator.groundTruth(user, now), now);
        List<Emulator.Play> recentlyPlayed = Emulator.groundTruth(user, now).stream()
                .filter(play -> visible.contains(play.playedAtMs()))
                .toList();
        assertThat(recentlyPlayed).isNotEmpty();
        List<ImportEntry> exported = recentlyPlayed.stream()
                .map(play ->
                        entry(Instant.ofEpochMilli(play.playedAtMs()).truncatedTo(ChronoUnit.SECONDS), play.trackId()))
                .toList();
        String importId = "imp-" + run();
        fixtures.send(importId, user, exported);
        assertThat(fixtures.awaitDone(importId, 1).get("imported").longValue()).isEqualTo(exported.size());
        await().atMost(WAIT).until(() -> fixtures.outboxRowsOf(user) == 0);

        poller.poll(ArchiveBatch.of("b-" + run(), Instant.now(), BatchReason.MANUAL, List.of(user)), user);

        Set<Instant> exportedAt =
                new HashSet<>(exported.stream().map(ImportEntry::endedAt).toList());
        List<Instant> archived =
                fixtures.playsOf(user).stream().map(row -> (Instant) row[0]).toList();
        assertThat(archived).as("the file's plays, at whole seconds").containsAll(exportedAt);
        // the emulator's clock runs on while the file is archived: a play that became visible since the export is
        // new to the poll and archived by it (51 plays, not 50); a play of the file must never be archived again
        assertThat(archived)
                .filteredOn(at -> !exportedAt.contains(at))
                .as("the poll's own plays")
                .allSatisfy(at -> assertThat(visible)
                        .as("a play the file had, archived again to the millisecond")
                        .doesNotContain(at.toEpochMilli()));
    }

    @Test
    void aRateLimitStormPausesMetadataLookUpsAndTheImportFinishesLaterWithNothingLost() {
        String user = Emulator.createUsers(run() + "storm", "typical", 1).get(0);
        List<String> unknownTracks = fixtures.tracksNotInCatalogue(10);
        Instant base = Instant.parse("2020-05-01T10:00:00Z");
        List<ImportEntry> entries = new ArrayList<>();
        for (int i = 0; i < unknownTracks.size(); i++) {
            entries.add(entry(base.plusSeconds(400L * i), unknownTracks.get(i)));
        }
        Emulator.settings(Map.of("too_many_requests_rate", 1.0, "retry_after_seconds", 3600));
        String importId = "imp-" + run();
        fixtures.send(importId, user, entries);

        await().atMost(WAIT)
                .until(() -> fixtures.counts(importId) != null
                        && fixtures.counts(importId).get("chunks").intValue() == 1
                        && redis.value(Long.class).get("spotify:rate:pause-until") != null);
        assertThat(fixtures.counts(importId).get("pending").longValue()).isEqualTo(entries.size());
        assertThat(fixtures.counts(importId).get("failed").longValue()).isZero();

        Emulator.resetSettings();
        redis.key().del("spotify:rate:pause-until");
        Map<String, Number> done = fixtures.awaitDone(importId, 1);
        assertThat(done.get("imported").longValue()).isEqualTo(entries.size());
        assertThat(fixtures.playsOf(user)).hasSize(entries.size());
    }

    /**
     * The events of imported plays are built by the relay from their outbox row (instants, track ids, ms played) and
     * the catalogue: on {@code plays} they must carry the same track (album, artists in order) as the polled plays of
     * that track do.
     */
    private void publishedImportsMatchPolledOnes(String user, String importId) {
        // only the user's records are kept: the topic holds the warm-up imports' plays too
        var consumer = kafka.consume(String.class, byte[].class)
                .withGroupId("check-" + run())
                .withOffsetReset(org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST)
                .fromTopics(Set.of(Topics.PLAYS), records -> records.select().where(r -> user.equals(r.key())));
        try {
            int sample = Math.min(ENTRIES, 2_000);
            await().atMost(WAIT)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> events(consumer, user).stream()
                                    .filter(e -> importId.equals(e.importId()))
                                    .count()
                            >= sample);
            List<PlayEvent> events = events(consumer, user);
            Map<String, TrackRef> polledTracks = new java.util.HashMap<>();
            events.stream()
                    .filter(e -> e.source() == PlaySource.POLL)
                    .forEach(e -> polledTracks.put(e.track().id(), e.track()));
            List<PlayEvent> imported =
                    events.stream().filter(e -> importId.equals(e.importId())).toList();
            assertThat(polledTracks).isNotEmpty();
            Set<Instant> archivedAt = new HashSet<>();
            fixtures.playsOf(user).forEach(r -> archivedAt.add((Instant) r[0]));
            for (PlayEvent event : imported) {
                assertThat(event.source()).isEqualTo(PlaySource.IMPORT);
                assertThat(event.userId()).isEqualTo(user);
                assertThat(event.msPlayed()).isEqualTo(180_000);
                assertThat(archivedAt).contains(event.playedAt());
                if (polledTracks.containsKey(event.track().id())) {
                    assertThat(event.track())
                            .isEqualTo(polledTracks.get(event.track().id()));
                }
            }
            assertThat(imported)
                    .anyMatch(e -> polledTracks.containsKey(e.track().id()));
        } finally {
            consumer.close();
        }
    }

    private static List<PlayEvent> events(
            io.smallrye.reactive.messaging.kafka.companion.ConsumerTask<String, byte[]> consumer, String user) {
        return consumer.getRecords().stream()
                .filter(r -> user.equals(r.key()))
                .map(r -> MessageCodec.decode(r.value(), PlayEvent.class))
                .toList();
    }

    /**
     * Account-data entries (names and the minute only): the user's polled plays again are duplicates (same names
     * within the minute, whatever the case and spacing of the names), known names become plays of minute precision
     * in the middle of their minute, two plays ending in one minute both count, names the catalogue lacks are kept
     * as unmatched with the reason; a re-import adds nothing, and an extended-history entry of a play imported from
     * account data is recognised as the same play.
     */
    @Test
    void accountDataIsMatchedByNameAgainstArchivedPlaysAndTheCatalogue() {
        String user = Emulator.createUsers(run() + "acct", "heavy", 1).get(0);
        poller.poll(ArchiveBatch.of("b-" + run(), Instant.now(), BatchReason.MANUAL, List.of(user)), user);
        List<Object[]> polled = fixtures.playsOf(user);
        assertThat(polled).isNotEmpty();
        Map<String, String[]> names =
                trackNames(polled.stream().map(r -> (String) r[1]).distinct().toList());

        List<ImportEntry> entries = new ArrayList<>();
        for (Object[] play : polled) {
            String[] n = names.get((String) play[1]);
            entries.add(named(
                    ((Instant) play[0]).truncatedTo(ChronoUnit.MINUTES),
                    "  " + n[0].toUpperCase() + " ",
                    n[1].replace(" ", "   ")));
        }
        Instant oldest = polled.stream()
                .map(r -> (Instant) r[0])
                .min(Instant::compareTo)
                .orElseThrow()
                .truncatedTo(ChronoUnit.MINUTES);
        List<String> trackIds = new ArrayList<>(names.keySet());
        int fresh = 30;
        for (int i = 1; i <= fresh; i++) {
            String[] n = names.get(trackIds.get(i % trackIds.size()));
            entries.add(named(oldest.minusSeconds(3600L * i), n[0], n[1]));
        }
        // a second play ending in the same minute as the last one
        String[] other = names.get(trackIds.get(0));
        entries.add(named(oldest.minusSeconds(3600L * fresh), other[0], other[1] + " "));
        entries.add(named(oldest.minusSeconds(7 * 24 * 3600L), "A Song Nobody Has", "Nobody"));

        String first = "imp-" + run();
        fixtures.send(first, user, entries);
        Map<String, Number> counts = fixtures.awaitDone(first, 1);
        assertThat(counts.get("duplicates").longValue()).isEqualTo(polled.size());
        assertThat(counts.get("imported").longValue()).isEqualTo(fresh + 1);
        assertThat(counts.get("failed").longValue()).isZero();
        assertThat(unmatched(first)).isEqualTo("{\"no catalogue match\": 1}");
        assertThat(fixtures.playsOf(user)).hasSize(polled.size() + fresh + 1);
        List<Object[]> minutePlays = QuarkusTransaction.requiringNew()
                .call(() -> db
                        .query(
                                "SELECT played_at FROM play_events WHERE import_id = ? AND minute_precision ORDER BY played_at",
                                rs -> rs.getObject(1),
                                first)
                        .stream()
                        .map(o -> new Object[] {o})
                        .toList());
        assertThat(minutePlays).hasSize(fresh + 1);
        minutePlays.forEach(r -> assertThat(StoredInstants.secondOfMinute(r[0])).isEqualTo(30));
        assertThat(QuarkusTransaction.requiringNew()
                        .call(() -> ((Number) db.queryOne(
                                                "SELECT count(*) FROM import_unmatched WHERE import_id = ? AND track_name = 'A Song Nobody Has'"
                                                        + " AND reason = 'no catalogue match'",
                                                rs -> rs.getObject(1),
                                                first)
                                        .orElse(null))
                                .longValue()))
                .isEqualTo(1);

        String again = "imp-" + run();
        fixtures.send(again, user, entries);
        Map<String, Number> second = fixtures.awaitDone(again, 1);
        assertThat(second.get("imported").longValue()).isZero();
        assertThat(second.get("duplicates").longValue()).isEqualTo(polled.size() + fresh + 1);
        assertThat(fixtures.playsOf(user)).hasSize(polled.size() + fresh + 1);

        // the same plays in extended history (track id, second precision, anywhere in their minute): duplicates
        List<ImportEntry> extended = new ArrayList<>();
        for (int i = 1; i <= fresh; i++) {
            extended.add(entry(oldest.minusSeconds(3600L * i).plusSeconds(i % 60), trackIds.get(i % trackIds.size())));
        }
        String third = "imp-" + run();
        fixtures.send(third, user, extended);
        Map<String, Number> thirdCounts = fixtures.awaitDone(third, 1);
        assertThat(thirdCounts.get("imported").longValue()).isZero();
        assertThat(thirdCounts.get("duplicates").longValue()).isEqualTo(fresh);
    }

    /**
     * Account-data entries whose names the catalogue lacks stay unmatched until tracks with those names are added (as
     * a poll adds them); the retry job then archives them as the first attempt would have: in the middle of their
     * minute with minute precision (two plays ending in one minute both), published on {@code plays}, and an entry
     * of a play archived meanwhile as a duplicate; the import's totals move from unmatched to imported and
     * duplicates. A re-import of the same file, unmatched too, is retried after it (imports in turn, in id order):
     * all duplicates, nothing archived twice. An entry whose name is still unknown stays.
     */
    @Test
    @SuppressWarnings("unchecked")
    void unmatchedAccountDataIsArchivedOnceTheCatalogueHasItsTracks() {
        String run = run();
        String user = "u-" + run + "-late";
        String artist = "Late Artist " + run;
        AlbumRef album = new AlbumRef(freshId(), "Late Album " + run, "2019", null);
        ArtistRef artistRef = new ArtistRef(freshId(), artist);
        List<TrackRef> tracks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            tracks.add(new TrackRef(freshId(), "Late Song " + run + " " + i, 200_000, null, album, List.of(artistRef)));
        }
        Instant minute = Instant.parse("2019-03-04T08:15:00Z");
        Instant hourLater = minute.plusSeconds(3600);
        Instant twoHoursLater = minute.plusSeconds(7200);
        List<ImportEntry> entries = List.of(
                named(minute, " late SONG " + run + " 0 ", artist.toUpperCase()),
                named(hourLater, tracks.get(1).name(), artist),
                // a second play ending in the same minute
                named(hourLater, tracks.get(1).name(), artist),
                // a poll archives this play before the retry: a duplicate
                named(twoHoursLater, tracks.get(2).name(), artist));
        String importId = "imp-" + run + "-1";
        String reimport = "imp-" + run + "-2";
        String stillUnknown = "imp-" + run + "-3";

        var reports = kafka.consume(String.class, byte[].class)
                .withGroupId("retry-progress-" + run)
                .withOffsetReset(org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST)
                .fromTopics(Topics.IMPORTS_PROGRESS);
        var plays = kafka.consume(String.class, byte[].class)
                .withGroupId("retry-plays-" + run)
                .withOffsetReset(org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST)
                .fromTopics(Topics.PLAYS);
        try {
            fixtures.send(importId, user, entries);
            fixtures.send(reimport, user, entries);
            fixtures.send(
                    stillUnknown, user, List.of(named(minute.plusSeconds(10_800), "Still Unknown " + run, artist)));
            assertThat(fixtures.awaitDone(importId, 1).get("imported").longValue())
                    .isZero();
            assertThat(fixtures.awaitDone(reimport, 1).get("imported").longValue())
                    .isZero();
            fixtures.awaitDone(stillUnknown, 1);
            assertThat(unmatchedCount(importId)).isEqualTo(entries.size());
            assertThat(unmatchedCount(reimport)).isEqualTo(entries.size());
            assertThat(keptUnmatched(user)).isEqualTo(2 * entries.size() + 1);

            // the catalogue grows: a poll archives a play of track 2 ending in that minute, and the tracks with it
            QuarkusTransaction.requiringNew().run(() -> {
                catalogue.upsert(tracks);
                db.update(
                        """
                        INSERT INTO play_events (user_id, played_at, track_id, ms_played, source)
                        VALUES (?, ?, ?, 200000, 'POLL')
                        """, user, twoHoursLater.plusSeconds(42), tracks.get(2).id());
            });

            await().atMost(WAIT)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> unmatchedCount(importId) == 0 && unmatchedCount(reimport) == 0);
            Map<String, Number> counts = fixtures.counts(importId);
            assertThat(counts.get("imported").longValue()).isEqualTo(3);
            assertThat(counts.get("duplicates").longValue()).isEqualTo(1);
            assertThat(counts.get("pending").longValue()).isZero();
            assertThat(counts.get("failed").longValue()).isZero();
            assertThat(unmatched(importId)).isEqualTo("{\"no catalogue match\": 0}");
            Map<String, Number> again = fixtures.counts(reimport);
            assertThat(again.get("imported").longValue()).isZero();
            assertThat(again.get("duplicates").longValue()).isEqualTo(entries.size());
            assertThat(unmatched(reimport)).isEqualTo("{\"no catalogue match\": 0}");

            List<String> archived =
                    QuarkusTransaction.requiringNew().call(() -> db.query("""
                    SELECT source || ' ' || coalesce(import_id, '-') || ' ' || track_id || ' ' || minute_precision
                           || ' ' || to_char(played_at AT TIME ZONE 'UTC', 'HH24:MI:SS.MS')
                    FROM play_events WHERE user_id = ? ORDER BY played_at
                    """, rs -> rs.getString(1), user));
            assertThat(archived)
                    .containsExactly(
                            "IMPORT " + importId + " " + tracks.get(0).id() + " true 08:15:30.000",
                            "IMPORT " + importId + " " + tracks.get(1).id() + " true 09:15:30.000",
                            "IMPORT " + importId + " " + tracks.get(1).id() + " true 09:15:30.001",
                            "POLL - " + tracks.get(2).id() + " false 10:15:42.000");
            // only the entry whose name no track has is still kept
            assertThat(keptUnmatched(user)).isEqualTo(1);
            assertThat(unmatched(stillUnknown)).isEqualTo("{\"no catalogue match\": 1}");

            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                ImportProgress latest = latestReport(reports, user, importId);
                assertThat(latest.imported()).isEqualTo(3);
                assertThat(latest.duplicates()).isEqualTo(1);
                assertThat(latest.unmatched()).containsEntry("no catalogue match", 0L);
                ImportProgress latestAgain = latestReport(reports, user, reimport);
                assertThat(latestAgain.imported()).isZero();
                assertThat(latestAgain.duplicates()).isEqualTo(entries.size());
                assertThat(latestAgain.unmatched()).containsEntry("no catalogue match", 0L);
            });
            await().atMost(WAIT)
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(events(plays, user).stream()
                                    .filter(e -> importId.equals(e.importId()))
                                    .map(e -> e.source() + " " + e.track().id() + " " + e.playedAt()))
                            .containsExactlyInAnyOrder(
                                    "IMPORT " + tracks.get(0).id() + " " + minute.plusSeconds(30),
                                    "IMPORT " + tracks.get(1).id() + " " + hourLater.plusSeconds(30),
                                    "IMPORT " + tracks.get(1).id() + " "
                                            + hourLater.plusSeconds(30).plusMillis(1)));
        } finally {
            reports.close();
            plays.close();
        }
    }

    private static ImportProgress latestReport(
            io.smallrye.reactive.messaging.kafka.companion.ConsumerTask<String, byte[]> reports,
            String user,
            String importId) {
        return reports.getRecords().stream()
                .filter(r -> user.equals(r.key()))
                .map(r -> MessageCodec.decode(r.value(), ImportProgress.class))
                .filter(p -> importId.equals(p.importId()))
                .max(java.util.Comparator.comparingLong(ImportProgress::sequence))
                .orElseThrow();
    }

    private long unmatchedCount(String importId) {
        return QuarkusTransaction.requiringNew()
                .call(() -> ((Number) db.queryOne(
                                        "SELECT coalesce(CAST(unmatched ->> 'no catalogue match' AS bigint), 0) FROM import_counts"
                                                + " WHERE import_id = ?",
                                        rs -> rs.getObject(1),
                                        importId)
                                .orElse(null))
                        .longValue());
    }

    private long keptUnmatched(String user) {
        return QuarkusTransaction.requiringNew()
                .call(() -> ((Number) db.queryOne(
                                        "SELECT count(*) FROM import_unmatched WHERE user_id = ?",
                                        rs -> rs.getObject(1),
                                        user)
                                .orElse(null))
                        .longValue());
    }

    private static String freshId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 22);
    }

    private static ImportEntry named(Instant minute, String track, String artist) {
        return new ImportEntry(minute, 200_000, null, track, artist, null, null, null, null, null);
    }

    /** Track id -> {track name, first artist's name}. */
    @SuppressWarnings("unchecked")
    private Map<String, String[]> trackNames(List<String> ids) {
        List<Object[]> rows = QuarkusTransaction.requiringNew().call(() -> db.query("""
                SELECT t.id, t.name, ar.name FROM tracks t JOIN track_artists ta ON ta.track_id = t.id
                JOIN artists ar ON ar.id = ta.artist_id WHERE t.id = ANY(?) ORDER BY t.id, ta.position
                """, Rows::all, ids));
        Map<String, String[]> names = new java.util.LinkedHashMap<>();
        rows.forEach(r -> names.putIfAbsent((String) r[0], new String[] {(String) r[1], (String) r[2]}));
        return names;
    }

    private String unmatched(String importId) {
        return QuarkusTransaction.requiringNew().call(() -> (String) db.queryOne(
                        "SELECT CAST(unmatched AS text) FROM import_counts WHERE import_id = ?",
                        rs -> rs.getObject(1),
                        importId)
                .orElse(null));
    }

    /** Reads a timestamp column value whatever type the driver gives. */
    private static final class StoredInstants {
        static int secondOfMinute(Object value) {
            Instant instant = value instanceof java.sql.Timestamp t
                    ? t.toInstant()
                    : value instanceof java.time.OffsetDateTime o ? o.toInstant() : (Instant) value;
            return instant.atZone(java.time.ZoneOffset.UTC).getSecond();
        }
    }
}
