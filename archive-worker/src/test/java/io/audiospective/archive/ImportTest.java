package io.audiospective.archive;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
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
import jakarta.persistence.EntityManager;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

import io.agroal.api.AgroalDataSource;
import io.audiospective.archive.repository.CatalogueRepository;
import io.audiospective.archive.service.UserPoller;
import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.ArchiveBatch;
import io.audiospective.model.BatchReason;
import io.audiospective.model.ImportChunk;
import io.audiospective.model.ImportEntry;
import io.audiospective.model.ImportProgress;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.PlaySource;
import io.audiospective.model.TrackRef;
import io.audiospective.model.Topics;
import io.audiospective.model.codec.MessageCodec;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * Imports through the {@code imports} topic merged with polled history, against the emulator, PostgreSQL, Redis
 * and Kafka. {@code -Dimport.entries=200000} runs the must-show size (default 20,000).
 */
@QuarkusTest
class ImportTest {

    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final int ENTRIES = Integer.getInteger("import.entries", 20_000);
    private static final String UNKNOWN_TO_SPOTIFY = "0000000000000000000000";
    /** Entries per chunk, as api-service sends them (at most 5,000, fewer when they carry long names). */
    private static final int CHUNK = 5_000;

    @Inject
    EntityManager entityManager;

    @Inject
    UserPoller poller;

    @Inject
    RedisDataSource redis;

    @Inject
    AgroalDataSource dataSource;

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
    void anExportOverlappingPolledHistoryArchivesTheUnionOnceAndAReimportChangesNothing() throws Exception {
        String user = Emulator.createUsers(run() + "imp", "heavy", 1).get(0);
        poller.poll(ArchiveBatch.of("b-" + run(), Instant.now(), BatchReason.MANUAL, List.of(user)), user);
        List<Object[]> polled = playsOf(user);
        assertThat(polled).isNotEmpty();
        List<String> knownTracks = polled.stream().map(r -> (String) r[1]).distinct().toList();
        List<String> unknownTracks = tracksNotInCatalogue(25);

        List<ImportEntry> entries = new ArrayList<>();
        // the polled plays again, as the export has them: second precision, and a few seconds off
        for (int i = 0; i < polled.size(); i++) {
            Instant playedAt = (Instant) polled.get(i)[0];
            entries.add(entry(playedAt.truncatedTo(ChronoUnit.SECONDS).plusSeconds(i % 2 == 0 ? -3 : 4),
                    (String) polled.get(i)[1]));
        }
        Instant oldest = polled.stream().map(r -> (Instant) r[0]).min(Instant::compareTo).orElseThrow()
                .truncatedTo(ChronoUnit.SECONDS);
        for (int i = 1; i <= ENTRIES; i++) {
            entries.add(entry(oldest.minusSeconds(3600 + 200L * i), knownTracks.get(i % knownTracks.size())));
        }
        Instant older = oldest.minusSeconds(3600 + 200L * (ENTRIES + 10));
        for (int i = 0; i < unknownTracks.size(); i++) {
            entries.add(entry(older.minusSeconds(300L * i), unknownTracks.get(i)));
        }
        entries.add(entry(older.minusSeconds(300L * 40), UNKNOWN_TO_SPOTIFY));

        warmUp(knownTracks);
        String first = "imp-" + run();
        List<ProducerRecord<String, byte[]>> records = records(first, user, entries);
        int chunks = records.size();
        long compilingBefore = compilingMillis();
        long started = System.nanoTime();
        kafka.produce(String.class, byte[].class).fromRecords(records).awaitCompletion(WAIT);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> counts(first) != null && counts(first).get("chunks").intValue() == chunks);
        double seconds = (System.nanoTime() - started) / 1e9;
        double compiling = (compilingMillis() - compilingBefore) / 1e3;
        // the worker alone: from the start of the first chunks' transaction until all were seen archived
        double workerSeconds = QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                "SELECT extract(epoch FROM clock_timestamp() - min(done_at)) FROM import_chunks_done"
                        + " WHERE import_id = :id").setParameter("id", first).getSingleResult()).doubleValue());
        long archivedByChunks = counts(first).get("imported").longValue();
        Map<String, Number> counts = awaitDone(first, chunks);
        // and until the relay published their events (the outbox holds none of the user's rows any more)
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> outboxRowsOf(user) == 0);
        double publishedSeconds = (System.nanoTime() - started) / 1e9;

        long expectedNew = ENTRIES + unknownTracks.size();
        assertThat(counts.get("imported").longValue()).isEqualTo(expectedNew);
        assertThat(counts.get("duplicates").longValue()).isEqualTo(polled.size());
        assertThat(counts.get("failed").longValue()).isEqualTo(1);
        List<Object[]> archived = playsOf(user);
        assertThat(archived).hasSize((int) (polled.size() + expectedNew));
        Set<String> keys = new HashSet<>();
        archived.forEach(r -> keys.add(r[0] + "|" + r[1]));
        polled.forEach(r -> assertThat(keys).contains(r[0] + "|" + r[1]));

        String again = "imp-" + run();
        send(again, user, entries);
        Map<String, Number> second = awaitDone(again, chunks);
        assertThat(second.get("imported").longValue()).isZero();
        assertThat(second.get("duplicates").longValue()).isEqualTo(polled.size() + expectedNew);
        assertThat(playsOf(user)).hasSize(archived.size());

        double copySeconds = rawCopy(entries);
        publishedImportsMatchPolledOnes(user, first);
        double perChunk = workerSeconds / chunks;
        // does a chunk cost more as the history grows? the first and the last quarter of the chunks (each chunk
        // stamped with the start of the transaction that archived it, several chunks per transaction)
        List<Object> stamps = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
                "SELECT extract(epoch FROM done_at) FROM import_chunks_done WHERE import_id = :id ORDER BY done_at")
                .setParameter("id", first).getResultList());
        if (stamps.size() >= 8) {
            int quarter = stamps.size() / 4;
            double firstQuarter = (((Number) stamps.get(quarter)).doubleValue()
                    - ((Number) stamps.get(0)).doubleValue()) / quarter;
            double lastQuarter = (((Number) stamps.get(stamps.size() - 1)).doubleValue()
                    - ((Number) stamps.get(stamps.size() - 1 - quarter)).doubleValue()) / quarter;
            report("IMPORT BENCHMARK (worker only): first quarter %.1f ms per chunk, last quarter %.1f ms"
                    + " per chunk", firstQuarter * 1000, lastQuarter * 1000);
        }
        report("IMPORT BENCHMARK (worker only): %.1f ms per chunk of %,d = %.0f entries/s",
                perChunk * 1000, CHUNK, CHUNK / perChunk);
        report("IMPORT BENCHMARK: %d entries (%d new plays with known metadata) through Kafka and archived"
                + " in %.2f s = %.0f entries/s (JIT compile time %.2f s); raw COPY of the same rows: %.0f rows/s",
                entries.size(), archivedByChunks, seconds, entries.size() / seconds, compiling,
                entries.size() / copySeconds);
        report("IMPORT BENCHMARK: their %d plays published to %s by %.2f s = %.0f plays/s",
                archivedByChunks, Topics.PLAYS, publishedSeconds, archivedByChunks / publishedSeconds);
    }

    /**
     * Chunks are consumed in batches: a malformed record among good chunks goes to {@code imports.dlq} alone, with
     * its reason and original bytes, and the chunks around it are archived.
     */
    @Test
    void aMalformedChunkIsDeadLetteredWithItsReasonAndTheChunksAroundItAreArchived() {
        String user = "u-" + run() + "-dlq";
        String importId = "imp-" + run();
        String polled = catalogueTracks(1).get(0);
        Instant at = Instant.parse("2018-05-06T07:08:09Z");
        byte[] malformed = ("{\"schemaVersion\":1,\"userId\":\"" + user + "\",\"sequence\":1,\"lastChunk\":false,"
                + "\"entries\":[]}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var deadLetters = kafka.consume(String.class, byte[].class).withGroupId("dlq-" + run())
                .withOffsetReset(org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST)
                .fromTopics(Topics.deadLetter(Topics.IMPORTS));
        try {
            kafka.produce(String.class, byte[].class).fromRecords(
                    new ProducerRecord<>(Topics.IMPORTS, user, MessageCodec.encode(new ImportChunk(1, importId, user, 0,
                            false, List.of(entry(at, polled))))),
                    new ProducerRecord<>(Topics.IMPORTS, user, malformed),
                    new ProducerRecord<>(Topics.IMPORTS, user, MessageCodec.encode(new ImportChunk(1, importId, user, 2,
                            true, List.of(entry(at.plusSeconds(600), polled)))))).awaitCompletion(WAIT);

            var dead = await().atMost(WAIT).until(() -> deadLetters.getRecords().stream()
                    .filter(r -> user.equals(r.key())).findFirst(), java.util.Optional::isPresent).orElseThrow();
            assertThat(new String(dead.headers().lastHeader("dead-letter-reason").value(),
                    java.nio.charset.StandardCharsets.UTF_8)).contains("importId is required");
            assertThat(dead.value()).isEqualTo(malformed);
            Map<String, Number> counts = awaitDone(importId, 2);
            assertThat(counts.get("imported").longValue()).isEqualTo(2);
            assertThat(playsOf(user)).hasSize(2);
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
        List<String> tracks = catalogueTracks(2);
        Instant archivedAt = Instant.parse("2017-02-03T04:05:06Z");
        Instant sharedAt = archivedAt.plusSeconds(3600);
        String first = "imp-" + run();
        send(first, user, List.of(entry(archivedAt, tracks.get(0))));
        assertThat(awaitDone(first, 1).get("imported").longValue()).isEqualTo(1);

        List<ImportEntry> clashing = List.of(entry(archivedAt, tracks.get(1)), entry(sharedAt, tracks.get(0)),
                entry(sharedAt, tracks.get(1)));
        String second = "imp-" + run();
        send(second, user, clashing);
        Map<String, Number> counts = awaitDone(second, 1);
        assertThat(counts.get("imported").longValue()).isEqualTo(1);
        assertThat(counts.get("duplicates").longValue()).isEqualTo(2);
        List<Object[]> plays = playsOf(user);
        assertThat(plays).extracting(r -> r[0]).containsExactly(archivedAt, sharedAt);
        assertThat(plays.get(0)[1]).isEqualTo(tracks.get(0));

        String again = "imp-" + run();
        send(again, user, clashing);
        assertThat(awaitDone(again, 1).get("duplicates").longValue()).isEqualTo(3);
        assertThat(playsOf(user)).hasSize(2);
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
                .filter(play -> visible.contains(play.playedAtMs())).toList();
        assertThat(recentlyPlayed).isNotEmpty();
        List<ImportEntry> exported = recentlyPlayed.stream()
                .map(play -> entry(Instant.ofEpochMilli(play.playedAtMs()).truncatedTo(ChronoUnit.SECONDS),
                        play.trackId()))
                .toList();
        String importId = "imp-" + run();
        send(importId, user, exported);
        assertThat(awaitDone(importId, 1).get("imported").longValue()).isEqualTo(exported.size());
        await().atMost(WAIT).until(() -> outboxRowsOf(user) == 0);

        poller.poll(ArchiveBatch.of("b-" + run(), Instant.now(), BatchReason.MANUAL, List.of(user)), user);

        assertThat(playsOf(user)).extracting(row -> ((Instant) row[0]).getNano() % 1_000_000_000)
                .as("only the file's plays, at whole seconds").hasSize(exported.size()).containsOnly(0);
    }

    @Test
    void aRateLimitStormPausesMetadataLookUpsAndTheImportFinishesLaterWithNothingLost() {
        String user = Emulator.createUsers(run() + "storm", "typical", 1).get(0);
        List<String> unknownTracks = tracksNotInCatalogue(10);
        Instant base = Instant.parse("2020-05-01T10:00:00Z");
        List<ImportEntry> entries = new ArrayList<>();
        for (int i = 0; i < unknownTracks.size(); i++) {
            entries.add(entry(base.plusSeconds(400L * i), unknownTracks.get(i)));
        }
        Emulator.settings(Map.of("too_many_requests_rate", 1.0, "retry_after_seconds", 3600));
        String importId = "imp-" + run();
        send(importId, user, entries);

        await().atMost(WAIT).until(() -> counts(importId) != null && counts(importId).get("chunks").intValue() == 1
                && redis.value(Long.class).get("spotify:rate:pause-until") != null);
        assertThat(counts(importId).get("pending").longValue()).isEqualTo(entries.size());
        assertThat(counts(importId).get("failed").longValue()).isZero();

        Emulator.resetSettings();
        redis.key().del("spotify:rate:pause-until");
        Map<String, Number> done = awaitDone(importId, 1);
        assertThat(done.get("imported").longValue()).isEqualTo(entries.size());
        assertThat(playsOf(user)).hasSize(entries.size());
    }

    /**
     * The events of imported plays are built by the relay from their outbox row (instants, track ids, ms played) and
     * the catalogue: on {@code plays} they must carry the same track (album, artists in order) as the polled plays of
     * that track do.
     */
    private void publishedImportsMatchPolledOnes(String user, String importId) {
        // only the user's records are kept: the topic holds the warm-up imports' plays too
        var consumer = kafka.consume(String.class, byte[].class).withGroupId("check-" + run())
                .withOffsetReset(org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST)
                .fromTopics(Set.of(Topics.PLAYS), records -> records.select().where(r -> user.equals(r.key())));
        try {
            int sample = Math.min(ENTRIES, 2_000);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> events(consumer, user).stream()
                    .filter(e -> importId.equals(e.importId())).count() >= sample);
            List<PlayEvent> events = events(consumer, user);
            Map<String, TrackRef> polledTracks = new java.util.HashMap<>();
            events.stream().filter(e -> e.source() == PlaySource.POLL)
                    .forEach(e -> polledTracks.put(e.track().id(), e.track()));
            List<PlayEvent> imported = events.stream().filter(e -> importId.equals(e.importId())).toList();
            assertThat(polledTracks).isNotEmpty();
            Set<Instant> archivedAt = new HashSet<>();
            playsOf(user).forEach(r -> archivedAt.add((Instant) r[0]));
            for (PlayEvent event : imported) {
                assertThat(event.source()).isEqualTo(PlaySource.IMPORT);
                assertThat(event.userId()).isEqualTo(user);
                assertThat(event.msPlayed()).isEqualTo(180_000);
                assertThat(archivedAt).contains(event.playedAt());
                if (polledTracks.containsKey(event.track().id())) {
                    assertThat(event.track()).isEqualTo(polledTracks.get(event.track().id()));
                }
            }
            assertThat(imported).anyMatch(e -> polledTracks.containsKey(e.track().id()));
        } finally {
            consumer.close();
        }
    }

    private static List<PlayEvent> events(io.smallrye.reactive.messaging.kafka.companion.ConsumerTask<String,
            byte[]> consumer, String user) {
        return consumer.getRecords().stream().filter(r -> user.equals(r.key()))
                .map(r -> MessageCodec.decode(r.value(), PlayEvent.class)).toList();
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
        List<Object[]> polled = playsOf(user);
        assertThat(polled).isNotEmpty();
        Map<String, String[]> names = trackNames(polled.stream().map(r -> (String) r[1]).distinct().toList());

        List<ImportEntry> entries = new ArrayList<>();
        for (Object[] play : polled) {
            String[] n = names.get((String) play[1]);
            entries.add(named(((Instant) play[0]).truncatedTo(ChronoUnit.MINUTES), "  " + n[0].toUpperCase() + " ",
                    n[1].replace(" ", "   ")));
        }
        Instant oldest = polled.stream().map(r -> (Instant) r[0]).min(Instant::compareTo).orElseThrow()
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
        send(first, user, entries);
        Map<String, Number> counts = awaitDone(first, 1);
        assertThat(counts.get("duplicates").longValue()).isEqualTo(polled.size());
        assertThat(counts.get("imported").longValue()).isEqualTo(fresh + 1);
        assertThat(counts.get("failed").longValue()).isZero();
        assertThat(unmatched(first)).isEqualTo("{\"no catalogue match\": 1}");
        assertThat(playsOf(user)).hasSize(polled.size() + fresh + 1);
        List<Object[]> minutePlays = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
                "SELECT played_at FROM play_events WHERE import_id = :id AND minute_precision ORDER BY played_at")
                .setParameter("id", first).getResultList().stream().map(o -> new Object[] { o }).toList());
        assertThat(minutePlays).hasSize(fresh + 1);
        minutePlays.forEach(r -> assertThat(ImportRepositoryInstants.secondOfMinute(r[0])).isEqualTo(30));
        assertThat(QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                "SELECT count(*) FROM import_unmatched WHERE import_id = :id AND track_name = 'A Song Nobody Has'"
                        + " AND reason = 'no catalogue match'").setParameter("id", first).getSingleResult())
                .longValue())).isEqualTo(1);

        String again = "imp-" + run();
        send(again, user, entries);
        Map<String, Number> second = awaitDone(again, 1);
        assertThat(second.get("imported").longValue()).isZero();
        assertThat(second.get("duplicates").longValue()).isEqualTo(polled.size() + fresh + 1);
        assertThat(playsOf(user)).hasSize(polled.size() + fresh + 1);

        // the same plays in extended history (track id, second precision, anywhere in their minute): duplicates
        List<ImportEntry> extended = new ArrayList<>();
        for (int i = 1; i <= fresh; i++) {
            extended.add(entry(oldest.minusSeconds(3600L * i).plusSeconds(i % 60), trackIds.get(i % trackIds.size())));
        }
        String third = "imp-" + run();
        send(third, user, extended);
        Map<String, Number> thirdCounts = awaitDone(third, 1);
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

        var reports = kafka.consume(String.class, byte[].class).withGroupId("retry-progress-" + run)
                .withOffsetReset(org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST)
                .fromTopics(Topics.IMPORTS_PROGRESS);
        var plays = kafka.consume(String.class, byte[].class).withGroupId("retry-plays-" + run)
                .withOffsetReset(org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST)
                .fromTopics(Topics.PLAYS);
        try {
            send(importId, user, entries);
            send(reimport, user, entries);
            send(stillUnknown, user, List.of(named(minute.plusSeconds(10_800), "Still Unknown " + run, artist)));
            assertThat(awaitDone(importId, 1).get("imported").longValue()).isZero();
            assertThat(awaitDone(reimport, 1).get("imported").longValue()).isZero();
            awaitDone(stillUnknown, 1);
            assertThat(unmatchedCount(importId)).isEqualTo(entries.size());
            assertThat(unmatchedCount(reimport)).isEqualTo(entries.size());
            assertThat(keptUnmatched(user)).isEqualTo(2 * entries.size() + 1);

            // the catalogue grows: a poll archives a play of track 2 ending in that minute, and the tracks with it
            QuarkusTransaction.requiringNew().run(() -> {
                catalogue.upsert(tracks);
                entityManager.createNativeQuery("""
                        INSERT INTO play_events (user_id, played_at, track_id, ms_played, source)
                        VALUES (:user, :playedAt, :track, 200000, 'POLL')
                        """).setParameter("user", user)
                        .setParameter("playedAt", java.sql.Timestamp.from(twoHoursLater.plusSeconds(42)))
                        .setParameter("track", tracks.get(2).id()).executeUpdate();
            });

            await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> unmatchedCount(importId) == 0 && unmatchedCount(reimport) == 0);
            Map<String, Number> counts = counts(importId);
            assertThat(counts.get("imported").longValue()).isEqualTo(3);
            assertThat(counts.get("duplicates").longValue()).isEqualTo(1);
            assertThat(counts.get("pending").longValue()).isZero();
            assertThat(counts.get("failed").longValue()).isZero();
            assertThat(unmatched(importId)).isEqualTo("{\"no catalogue match\": 0}");
            Map<String, Number> again = counts(reimport);
            assertThat(again.get("imported").longValue()).isZero();
            assertThat(again.get("duplicates").longValue()).isEqualTo(entries.size());
            assertThat(unmatched(reimport)).isEqualTo("{\"no catalogue match\": 0}");

            List<String> archived = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery("""
                    SELECT source || ' ' || coalesce(import_id, '-') || ' ' || track_id || ' ' || minute_precision
                           || ' ' || to_char(played_at AT TIME ZONE 'UTC', 'HH24:MI:SS.MS')
                    FROM play_events WHERE user_id = :user ORDER BY played_at
                    """).setParameter("user", user).getResultList());
            assertThat(archived).containsExactly(
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
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> assertThat(
                    events(plays, user).stream().filter(e -> importId.equals(e.importId()))
                            .map(e -> e.source() + " " + e.track().id() + " " + e.playedAt()))
                    .containsExactlyInAnyOrder(
                            "IMPORT " + tracks.get(0).id() + " " + minute.plusSeconds(30),
                            "IMPORT " + tracks.get(1).id() + " " + hourLater.plusSeconds(30),
                            "IMPORT " + tracks.get(1).id() + " " + hourLater.plusSeconds(30).plusMillis(1)));
        } finally {
            reports.close();
            plays.close();
        }
    }

    private static ImportProgress latestReport(io.smallrye.reactive.messaging.kafka.companion.ConsumerTask<String,
            byte[]> reports, String user, String importId) {
        return reports.getRecords().stream().filter(r -> user.equals(r.key()))
                .map(r -> MessageCodec.decode(r.value(), ImportProgress.class))
                .filter(p -> importId.equals(p.importId()))
                .max(java.util.Comparator.comparingLong(ImportProgress::sequence)).orElseThrow();
    }

    private long unmatchedCount(String importId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                "SELECT coalesce(CAST(unmatched ->> 'no catalogue match' AS bigint), 0) FROM import_counts"
                        + " WHERE import_id = :id").setParameter("id", importId).getSingleResult()).longValue());
    }

    private long keptUnmatched(String user) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                "SELECT count(*) FROM import_unmatched WHERE user_id = :user").setParameter("user", user)
                .getSingleResult()).longValue());
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
        List<Object[]> rows = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery("""
                SELECT t.id, t.name, ar.name FROM tracks t JOIN track_artists ta ON ta.track_id = t.id
                JOIN artists ar ON ar.id = ta.artist_id WHERE t.id = ANY(CAST(:ids AS text[])) ORDER BY t.id, ta.position
                """).setParameter("ids", ids.toArray(String[]::new)).getResultList());
        Map<String, String[]> names = new java.util.LinkedHashMap<>();
        rows.forEach(r -> names.putIfAbsent((String) r[0], new String[] { (String) r[1], (String) r[2] }));
        return names;
    }

    private String unmatched(String importId) {
        return QuarkusTransaction.requiringNew().call(() -> (String) entityManager.createNativeQuery(
                "SELECT CAST(unmatched AS text) FROM import_counts WHERE import_id = :id").setParameter("id", importId)
                .getSingleResult());
    }

    /** Reads a timestamp column value whatever type the driver gives. */
    private static final class ImportRepositoryInstants {
        static int secondOfMinute(Object value) {
            Instant instant = value instanceof java.sql.Timestamp t ? t.toInstant()
                    : value instanceof java.time.OffsetDateTime o ? o.toInstant() : (Instant) value;
            return instant.atZone(java.time.ZoneOffset.UTC).getSecond();
        }
    }

    private static ImportEntry entry(Instant endedAt, String trackId) {
        return new ImportEntry(endedAt, 180_000, "spotify:track:" + trackId, null, null, null, "trackdone",
                "trackdone", false, false);
    }

    private int send(String importId, String user, List<ImportEntry> entries) {
        List<ProducerRecord<String, byte[]>> records = records(importId, user, entries);
        kafka.produce(String.class, byte[].class).fromRecords(records).awaitCompletion(WAIT);
        return records.size();
    }

    /** An import's chunks as api-service sends them, encoded. */
    private static List<ProducerRecord<String, byte[]>> records(String importId, String user,
            List<ImportEntry> entries) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        int chunks = (entries.size() + CHUNK - 1) / CHUNK;
        for (int c = 0; c < chunks; c++) {
            ImportChunk chunk = new ImportChunk(1, importId, user, c, c == chunks - 1,
                    entries.subList(c * CHUNK, Math.min(entries.size(), (c + 1) * CHUNK)));
            records.add(new ProducerRecord<>(Topics.IMPORTS, user, MessageCodec.encode(chunk)));
        }
        return records;
    }

    /**
     * The benchmark measures a running worker, not a fresh JVM: imports of the same size (other users, same tracks)
     * are archived and published first, until the JIT compiler is quiet. On two cores its one C2 thread lags far
     * behind: after one warm-up import it was still compiling Kafka's producer and PostgreSQL's driver (hot since
     * the warm-up's start) during the measured import, about a quarter of the CPU. Each round prints its rate and the
     * compiler's time; the rounds stop when the compiler took under a tenth of a round (until its plays were
     * published), or after {@code import.warm-ups} rounds (default 4).
     */
    private void warmUp(List<String> tracks) {
        int maxRounds = Integer.getInteger("import.warm-ups", 4);
        for (int round = 1; round <= maxRounds; round++) {
            long compilingBefore = compilingMillis();
            long roundStarted = System.nanoTime();
            double seconds = warmUpRound(tracks, round);
            double roundSeconds = (System.nanoTime() - roundStarted) / 1e9;
            double compiling = (compilingMillis() - compilingBefore) / 1e3;
            report("IMPORT BENCHMARK: warm-up %d: %d entries archived in %.2f s = %.0f entries/s; JIT compile"
                    + " time %.2f s in the %.2f s until published", round, ENTRIES, seconds, ENTRIES / seconds, compiling,
                    roundSeconds);
            if (compiling < roundSeconds / 10) {
                return;
            }
        }
    }

    /** @return seconds until archived; it also waits until the relay published the plays */
    private double warmUpRound(List<String> tracks, int round) {
        String user = "u-" + run() + "-warm";
        Instant start = Instant.parse("2015-01-01T00:00:00Z");
        List<ImportEntry> entries = new ArrayList<>();
        for (int i = 0; i < ENTRIES; i++) {
            entries.add(entry(start.plusSeconds(200L * i), tracks.get((i + round) % tracks.size())));
        }
        String importId = "imp-" + run() + "-warm";
        List<ProducerRecord<String, byte[]>> records = records(importId, user, entries);
        long started = System.nanoTime();
        kafka.produce(String.class, byte[].class).fromRecords(records).awaitCompletion(WAIT);
        Map<String, Number> counts = awaitDone(importId, records.size());
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(counts.get("imported").longValue()).isEqualTo(entries.size());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> outboxRowsOf(user) == 0);
        return seconds;
    }

    /**
     * The JIT compilers' time so far in this JVM: each compilation's elapsed time, added over the compiler threads
     * (two here), so it can exceed the wall time of a window; they run beside the worker's threads.
     */
    private static long compilingMillis() {
        return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    /** One benchmark line, written at once: the log handler writes to the same console from other threads. */
    private static void report(String format, Object... args) {
        System.out.println(String.format(format, args));
    }

    private long outboxRowsOf(String user) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                "SELECT count(*) FROM outbox WHERE message_key = :u").setParameter("u", user).getSingleResult())
                .longValue());
    }

    private Map<String, Number> awaitDone(String importId, int chunks) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            Map<String, Number> c = counts(importId);
            return c != null && c.get("chunks").intValue() == chunks && c.get("pending").longValue() == 0;
        });
        return counts(importId);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Number> counts(String importId) {
        List<Object[]> rows = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
                "SELECT chunks, imported, duplicates, pending, failed FROM import_counts WHERE import_id = :id")
                .setParameter("id", importId).getResultList());
        if (rows.isEmpty()) {
            return null;
        }
        Object[] r = rows.get(0);
        return Map.of("chunks", (Number) r[0], "imported", (Number) r[1], "duplicates", (Number) r[2],
                "pending", (Number) r[3], "failed", (Number) r[4]);
    }

    @SuppressWarnings("unchecked")
    private List<Object[]> playsOf(String user) {
        List<Object[]> rows = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
                "SELECT played_at, track_id FROM play_events WHERE user_id = :u ORDER BY played_at")
                .setParameter("u", user).getResultList());
        rows.forEach(r -> r[0] = r[0] instanceof java.sql.Timestamp t ? t.toInstant()
                : r[0] instanceof java.time.OffsetDateTime o ? o.toInstant() : r[0]);
        return rows;
    }

    /** Tracks the catalogue has (written by an earlier test or run, else by a poll now). */
    @SuppressWarnings("unchecked")
    private List<String> catalogueTracks(int count) {
        List<String> ids = QuarkusTransaction.requiringNew().call(() -> entityManager
                .createNativeQuery("SELECT id FROM tracks ORDER BY added_at DESC LIMIT :n").setParameter("n", count)
                .getResultList());
        if (ids.size() == count) {
            return ids;
        }
        String user = Emulator.createUsers(run() + "cat", "heavy", 1).get(0);
        poller.poll(ArchiveBatch.of("b-" + run(), Instant.now(), BatchReason.MANUAL, List.of(user)), user);
        return playsOf(user).stream().map(r -> (String) r[1]).distinct().limit(count).toList();
    }

    @SuppressWarnings("unchecked")
    private List<String> tracksNotInCatalogue(int count) {
        List<String> ids = given().when().get(Emulator.url() + "/emulator/catalogue?offset="
                + (int) (Math.random() * 5_000) + "&limit=1000").then().statusCode(200).extract().jsonPath()
                .getList("track_ids");
        List<String> known = QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
                "SELECT id FROM tracks WHERE id = ANY(CAST(:ids AS text[]))")
                .setParameter("ids", ids.toArray(String[]::new)).getResultList());
        return ids.stream().filter(id -> !known.contains(id)).limit(count).toList();
    }

    /** COPY of the same rows into a scratch table like play_events, for the benchmark's reference figure. */
    private double rawCopy(List<ImportEntry> entries) throws Exception {
        StringBuilder csv = new StringBuilder();
        for (ImportEntry e : entries) {
            csv.append("bench,").append(e.endedAt()).append(',').append(e.trackUri().substring(14)).append(',')
                    .append(e.msPlayed()).append(",IMPORT,bench\n");
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.createStatement().execute("CREATE TEMP TABLE bench_copy (user_id text, played_at timestamptz,"
                    + " track_id text, ms_played bigint, source text, import_id text)");
            long started = System.nanoTime();
            connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY bench_copy FROM STDIN (FORMAT csv)",
                    new StringReader(csv.toString()));
            double seconds = (System.nanoTime() - started) / 1e9;
            connection.createStatement().execute("DROP TABLE bench_copy");
            return seconds;
        }
    }

    private static String run() {
        return "r" + UUID.randomUUID().toString().substring(0, 6);
    }
}
