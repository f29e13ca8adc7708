package io.audiospective.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.audiospective.archive.service.AccessTokenCache;
import io.audiospective.archive.service.DeletedMembers;
import io.audiospective.archive.service.UserPoller;
import io.audiospective.model.ArchiveBatch;
import io.audiospective.model.ArchiveOutcome;
import io.audiospective.model.BatchReason;
import io.audiospective.model.FailureKind;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.Topics;
import io.audiospective.model.UserEvent;
import io.audiospective.model.UserEventType;
import io.audiospective.model.codec.MessageCodec;
import io.audiospective.support.sql.Db;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/** Archiving batches against the Spotify emulator over HTTP, with real PostgreSQL, Redis and Kafka. */
@QuarkusTest
class ArchivingTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @Inject
    Db db;

    @Inject
    UserPoller poller;

    @Inject
    AccessTokenCache accessTokens;

    @Inject
    DeletedMembers deletedMembers;

    @Inject
    RedisDataSource redis;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    KafkaCompanion kafka;
    ConsumerTask<String, byte[]> outcomes;
    ConsumerTask<String, byte[]> plays;
    ConsumerTask<String, byte[]> artists;

    @BeforeEach
    void listen() {
        kafka = new KafkaCompanion(bootstrapServers);
        outcomes = kafka.consume(String.class, byte[].class)
                .withGroupId("test-" + UUID.randomUUID())
                .withOffsetReset(OffsetResetStrategy.EARLIEST)
                .fromTopics(Topics.ARCHIVE_OUTCOMES);
        plays = kafka.consume(String.class, byte[].class)
                .withGroupId("test-" + UUID.randomUUID())
                .withOffsetReset(OffsetResetStrategy.EARLIEST)
                .fromTopics(Topics.PLAYS);
        artists = kafka.consume(String.class, byte[].class)
                .withGroupId("test-" + UUID.randomUUID())
                .withOffsetReset(OffsetResetStrategy.EARLIEST)
                .fromTopics(Topics.CATALOGUE_ARTISTS);
    }

    @AfterEach
    void close() {
        Emulator.resetSettings();
        redis.key().del("spotify:rate:pause-until");
        outcomes.close();
        plays.close();
        artists.close();
        kafka.close();
    }

    @Test
    void aBatchOfFiftyUsersArchivesExactlyWhatSpotifyShowedAndPublishesIt() {
        String run = run();
        List<String> users = new ArrayList<>();
        users.addAll(Emulator.createUsers(run + "t", "typical", 25));
        users.addAll(Emulator.createUsers(run + "h", "heavy", 20));
        users.addAll(Emulator.createUsers(run + "i", "idle", 5));
        long before = Emulator.nowMs();

        ArchiveBatch batch = ArchiveBatch.of("batch-" + run, Instant.now(), BatchReason.SCHEDULED, users);
        send(batch);
        Map<String, ArchiveOutcome> result = awaitOutcomes(batch, users);
        long after = Emulator.nowMs();

        assertThat(result.values()).allMatch(ArchiveOutcome::succeeded);
        for (String user : users) {
            Set<Long> archived = archivedPlayedAtMs(user);
            List<Emulator.Play> truth = Emulator.groundTruth(user, after);
            assertThat(Emulator.isRecentlyPlayedBetween(archived, truth, before, after))
                    .as("archive of %s equals Spotify's latest 50 at poll time", user)
                    .isTrue();
            assertThat(result.get(user).newPlays()).isEqualTo(archived.size());
        }
        assertThat(result.entrySet().stream()
                        .filter(e -> e.getKey().startsWith(run + "h"))
                        .allMatch(e -> e.getValue().fullPage()))
                .isTrue();

        Set<String> archivedKeys = users.stream()
                .flatMap(u -> archivedPlayedAtMs(u).stream().map(t -> u + "@" + t))
                .collect(Collectors.toSet());
        await().atMost(WAIT).until(() -> publishedPlays(users).equals(archivedKeys));
    }

    @Test
    void latePlaysWithinTheLatestFiftyAreArchivedByTheNextPoll() {
        String run = run();
        List<String> users = Emulator.createUsers(run + "late", "typical", 10);
        Emulator.settings(Map.of("late_share", 0.3));
        Instant slot = Instant.now();
        awaitOutcomes(sendBatch(run + "-1", slot, users), users);

        Emulator.advance("PT45M");
        long before = Emulator.nowMs();
        ArchiveBatch second =
                ArchiveBatch.of("batch-" + run + "-2", slot.plusSeconds(3600), BatchReason.SCHEDULED, users);
        send(second);
        awaitOutcomes(second, users);
        long after = Emulator.nowMs();

        for (String user : users) {
            Set<Long> latest = new HashSet<>();
            List<Emulator.Play> truth = Emulator.groundTruth(user, after);
            Set<Long> archived = archivedPlayedAtMs(user);
            boolean covered = truth.stream()
                            .map(Emulator.Play::visibleAtMs)
                            .filter(v -> v >= before && v <= after)
                            .anyMatch(t -> archived.containsAll(Emulator.newestVisible(truth, t)))
                    || archived.containsAll(Emulator.newestVisible(truth, before));
            assertThat(covered)
                    .as("%s has every play of the latest 50 at the second poll", user)
                    .isTrue();
            latest.addAll(archived);
            assertThat(truth.stream().map(Emulator.Play::playedAtMs).collect(Collectors.toSet()))
                    .containsAll(latest);
        }
    }

    @Test
    void aBatchDeliveredTwiceAndTwoWorkersOnOneUserPollEachUserOnce() throws Exception {
        String run = run();
        List<String> users = Emulator.createUsers(run + "dup", "typical", 5);
        long callsBefore = Emulator.recentlyPlayedCalls();
        ArchiveBatch batch = ArchiveBatch.of("batch-" + run, Instant.now(), BatchReason.SCHEDULED, users);

        send(batch);
        send(batch);
        awaitOutcomes(batch, users);
        String user = users.get(0);
        ArchiveBatch racing = ArchiveBatch.of(
                "batch-" + run + "-race", Instant.now().plusSeconds(7200), BatchReason.MANUAL, List.of(user));
        var first = CompletableFuture.supplyAsync(() -> poller.poll(racing, user));
        var second = CompletableFuture.supplyAsync(() -> poller.poll(racing, user));
        long polled = java.util.stream.Stream.of(first.get(), second.get())
                .filter(o -> o != null)
                .count();

        assertThat(polled).isEqualTo(1);
        await().atMost(WAIT).until(() -> Emulator.recentlyPlayedCalls() - callsBefore >= users.size() + 1);
        assertThat(Emulator.recentlyPlayedCalls() - callsBefore).isEqualTo(users.size() + 1);
        assertThat(outcomesOf(batch).size()).isEqualTo(users.size());
    }

    @Test
    void aRateLimitPausesEveryWorkerAndTheyContinueAfterIt() {
        String run = run();
        List<String> users = Emulator.createUsers(run + "rl", "typical", 6);
        Emulator.settings(Map.of("too_many_requests_rate", 1.0, "retry_after_seconds", 3));
        ArchiveBatch batch = ArchiveBatch.of("batch-" + run, Instant.now(), BatchReason.SCHEDULED, users);
        send(batch);

        await().atMost(WAIT).until(() -> redis.value(Long.class).get("spotify:rate:pause-until") != null);
        Emulator.resetSettings();

        Map<String, ArchiveOutcome> result = awaitOutcomes(batch, users);
        assertThat(result.values()).allMatch(ArchiveOutcome::succeeded);
    }

    @Test
    void aLongRetryAfterEndsThePollAsRateLimitedAndQuotaIsToldApart() {
        String run = run();
        List<String> users = Emulator.createUsers(run + "long", "typical", 3);
        Emulator.settings(Map.of("too_many_requests_rate", 1.0, "retry_after_seconds", 120));
        ArchiveBatch batch =
                ArchiveBatch.of("batch-" + run, Instant.now(), BatchReason.SCHEDULED, List.of(users.get(0)));
        send(batch);
        ArchiveOutcome limited = awaitOutcomes(batch, List.of(users.get(0))).get(users.get(0));
        assertThat(limited.failureKind()).isEqualTo(FailureKind.RATE_LIMITED);
        assertThat(limited.retryAfterSeconds()).isEqualTo(120);

        redis.key().del("spotify:rate:pause-until");
        Emulator.resetSettings();
        Emulator.settings(Map.of("quota_exceeded", true, "retry_after_seconds", 5));
        ArchiveBatch quota =
                ArchiveBatch.of("batch-" + run + "-q", Instant.now(), BatchReason.SCHEDULED, List.of(users.get(1)));
        send(quota);
        ArchiveOutcome exceeded = awaitOutcomes(quota, List.of(users.get(1))).get(users.get(1));
        assertThat(exceeded.failureKind()).isEqualTo(FailureKind.RATE_LIMITED);
        assertThat(exceeded.detail()).contains("quota");

        // while the quota pause lasts Spotify is not asked again, and a refused poll still says why
        Emulator.resetSettings();
        long callsBefore = Emulator.recentlyPlayedCalls();
        ArchiveOutcome refused = poller.poll(manual(run + "-during", users.get(2)), users.get(2));
        assertThat(refused.failureKind()).isEqualTo(FailureKind.RATE_LIMITED);
        assertThat(refused.detail()).contains("quota");
        assertThat(Emulator.recentlyPlayedCalls()).isEqualTo(callsBefore);
    }

    @Test
    void aRevokedAuthorisationIsAnAuthFailure() {
        String run = run();
        String user = Emulator.createUsers(run + "rev", "typical", 1).get(0);
        Instant slot = Instant.now();
        assertThat(awaitOutcomes(sendBatch(run + "-1", slot, List.of(user)), List.of(user))
                        .get(user)
                        .succeeded())
                .isTrue();

        Emulator.revokeAndExpireTokens(user);
        ArchiveOutcome outcome = awaitOutcomes(
                        sendBatch(run + "-2", slot.plusSeconds(3600), List.of(user)), List.of(user))
                .get(user);

        assertThat(outcome.failureKind()).isEqualTo(FailureKind.AUTH);
    }

    @Test
    void aServerErrorStormIsANetworkFailureAndTheCircuitOpensAndClosesAgain() {
        String run = run();
        String user = Emulator.createUsers(run + "err", "typical", 1).get(0);
        assertThat(poller.poll(manual(run + "-warm", user), user).succeeded()).isTrue();
        Emulator.settings(Map.of("server_error_rate", 1.0));

        // each failed poll is one call and its retries: enough of them open the circuit
        for (int i = 0; i < 5; i++) {
            ArchiveOutcome outcome = poller.poll(manual(run + "-storm-" + i, user), user);
            assertThat(outcome.failureKind()).isEqualTo(FailureKind.NETWORK);
        }
        long callsWhileOpen = Emulator.recentlyPlayedCalls();
        ArchiveOutcome shortCircuited = poller.poll(manual(run + "-open", user), user);
        assertThat(shortCircuited.failureKind()).isEqualTo(FailureKind.NETWORK);
        assertThat(shortCircuited.detail()).contains("CircuitBreakerOpen");
        assertThat(Emulator.recentlyPlayedCalls()).isEqualTo(callsWhileOpen);

        Emulator.resetSettings();
        java.util.concurrent.atomic.AtomicInteger attempt = new java.util.concurrent.atomic.AtomicInteger();
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> poller.poll(manual(run + "-after-" + attempt.incrementAndGet(), user), user)
                        .succeeded());
    }

    @Test
    void playsLeftInTheOutboxByACrashAreStillPublished() {
        String user = "crashed-" + run();
        PlayEvent play = outboxPlay(user, Instant.parse("2026-06-01T10:00:00.123Z"));
        // Committed with the archive, but the process died before the relay ran.
        QuarkusTransaction.requiringNew()
                .run(() -> db.update(
                        "INSERT INTO outbox (topic, message_key, payload) VALUES ('plays', ?, ?)",
                        user,
                        MessageCodec.encode(play)));

        await().atMost(WAIT)
                .until(() -> publishedPlays(List.of(user))
                        .contains(user + "@" + play.playedAt().toEpochMilli()));
        await().atMost(WAIT)
                .until(() -> QuarkusTransaction.requiringNew()
                                .call(() -> ((Number) db.queryOne(
                                                        "SELECT count(*) FROM outbox WHERE message_key = ?",
                                                        rs -> rs.getObject(1),
                                                        user)
                                                .orElse(null))
                                        .intValue())
                        == 0);
    }

    @Test
    void theRelayVacuumsTheOutboxOnceItHasPublishedEnoughMessages() {
        long vacuumsBefore = outboxVacuums();
        String user = "vacuumed-" + run();
        int rows = 150; // above the test profile's vacuum-every (100)
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < rows; i++) {
                PlayEvent play =
                        outboxPlay(user, Instant.parse("2026-06-03T10:00:00Z").plusSeconds(i * 300L));
                insertOutboxRow(user, MessageCodec.encode(play));
            }
        });

        await().atMost(WAIT).until(() -> publishedPlays(List.of(user)).size() == rows);
        await().atMost(WAIT).until(() -> outboxVacuums() > vacuumsBefore);
    }

    /** Vacuums of this run's outbox table, as PostgreSQL counts them (a fresh snapshot per transaction). */
    private long outboxVacuums() {
        return QuarkusTransaction.requiringNew()
                .call(() -> db.queryOne(
                                "SELECT vacuum_count FROM pg_stat_user_tables WHERE relid = 'outbox'::regclass",
                                rs -> rs.getLong(1))
                        .orElseThrow());
    }

    @Test
    void anOutboxRowKafkaRefusesIsSetAsideWithItsReasonAndTheRowsAfterItArePublished() {
        String user = "too-large-" + run();
        PlayEvent play = outboxPlay(user, Instant.parse("2026-06-02T10:00:00.456Z"));
        // above the producer's max.request.size (1 MB): Kafka refuses it every time, whoever retries
        byte[] tooLarge = new byte[2 * 1024 * 1024];
        QuarkusTransaction.requiringNew().run(() -> {
            insertOutboxRow(user, tooLarge);
            insertOutboxRow(user, MessageCodec.encode(play));
        });

        await().atMost(WAIT)
                .until(() -> publishedPlays(List.of(user))
                        .contains(user + "@" + play.playedAt().toEpochMilli()));
        // the published row's deletion commits after Kafka acknowledged it
        await().atMost(WAIT)
                .until(() -> QuarkusTransaction.requiringNew()
                                .call(() -> ((Number) db.queryOne(
                                                        "SELECT count(*) FROM outbox WHERE message_key = ?",
                                                        rs -> rs.getObject(1),
                                                        user)
                                                .orElse(null))
                                        .intValue())
                        == 1);
        String reason = QuarkusTransaction.requiringNew().call(() -> (String)
                db.queryOne("SELECT set_aside_reason FROM outbox WHERE message_key = ?", rs -> rs.getObject(1), user)
                        .orElse(null));
        assertThat(reason).contains("Kafka refused its event").contains("RecordTooLargeException");
    }

    /** A play of a track of the member's own, as a test writes it into the outbox itself. */
    private static PlayEvent outboxPlay(String user, Instant playedAt) {
        return PlayEvent.polled(
                user,
                playedAt,
                new io.audiospective.model.TrackRef(
                        "t-" + user,
                        "Track",
                        200_000,
                        null,
                        new io.audiospective.model.AlbumRef("a-" + user, "Album", null, null),
                        List.of(new io.audiospective.model.ArtistRef("r-" + user, "Artist"))));
    }

    private void insertOutboxRow(String key, byte[] payload) {
        db.update("INSERT INTO outbox (topic, message_key, payload) VALUES ('plays', ?, ?)", key, payload);
    }

    @Test
    void aMalformedBatchGoesToTheDeadLetterTopicAndTheNextIsProcessed() {
        String run = run();
        String user = Emulator.createUsers(run + "dlq", "typical", 1).get(0);
        String key = "bad-" + run;
        kafka.produce(String.class, byte[].class)
                .fromRecords(new ProducerRecord<>(
                        Topics.ARCHIVE_BATCHES,
                        key,
                        "{\"schemaVersion\":1,\"userIds\":[]}".getBytes(StandardCharsets.UTF_8)))
                .awaitCompletion(WAIT);
        ArchiveBatch good = sendBatch(run, Instant.now(), List.of(user));

        var deadLetters = kafka.consume(String.class, byte[].class)
                .withGroupId("test-" + UUID.randomUUID())
                .withOffsetReset(OffsetResetStrategy.EARLIEST)
                .fromTopics(Topics.deadLetter(Topics.ARCHIVE_BATCHES));
        try {
            ConsumerRecord<String, byte[]> dead = await().atMost(WAIT)
                    .until(
                            () -> deadLetters.getRecords().stream()
                                    .filter(r -> key.equals(r.key()))
                                    .findFirst(),
                            Optional::isPresent)
                    .orElseThrow();
            assertThat(new String(
                            dead.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                    .contains("batchId is required");
        } finally {
            deadLetters.close();
        }
        assertThat(awaitOutcomes(good, List.of(user)).get(user).succeeded()).isTrue();
    }

    @Test
    void aDeletedUserIsPurged() {
        String run = run();
        String user = Emulator.createUsers(run + "del", "heavy", 1).get(0);
        awaitOutcomes(sendBatch(run, Instant.now(), List.of(user)), List.of(user));
        assertThat(archivedPlayedAtMs(user)).isNotEmpty();
        String importId = "import-" + user;
        QuarkusTransaction.requiringNew().run(() -> {
            db.update("INSERT INTO import_counts (import_id, user_id) VALUES (?, ?)", importId, user);
            db.update("INSERT INTO import_chunks_done (import_id, sequence) VALUES (?, 0)", importId);
            db.update("""
                    INSERT INTO import_unmatched (import_id, user_id, ended_at, track_name, artist_name, ms_played,
                                                  reason)
                    VALUES (?, ?, now(), 'Song', 'Band', 1000, 'no catalogue match')
                    """, importId, user);
            db.update("""
                    INSERT INTO import_pending (user_id, played_at, track_id, ms_played, import_id)
                    VALUES (?, now(), 'unknown-track', 1000, ?)
                    """, user, importId);
        });

        UserEvent deleted = UserEvent.of(user, UserEventType.DELETED, 1, Instant.now(), null, null);
        kafka.produce(String.class, byte[].class)
                .fromRecords(new ProducerRecord<>(Topics.USERS, user, MessageCodec.encode(deleted)))
                .awaitCompletion(WAIT);

        await().atMost(WAIT).until(() -> archivedPlayedAtMs(user).isEmpty());
        for (String table : List.of("import_counts", "import_unmatched", "import_pending", "user_cursors")) {
            assertThat(QuarkusTransaction.requiringNew()
                            .call(() -> ((Number) db.queryOne(
                                                    "SELECT count(*) FROM " + table + " WHERE user_id = ?",
                                                    rs -> rs.getObject(1),
                                                    user)
                                            .orElse(null))
                                    .intValue()))
                    .as(table)
                    .isZero();
        }
        assertThat(QuarkusTransaction.requiringNew()
                        .call(() -> ((Number) db.queryOne(
                                                "SELECT count(*) FROM import_chunks_done WHERE import_id = ?",
                                                rs -> rs.getObject(1),
                                                importId)
                                        .orElse(null))
                                .intValue()))
                .isZero();
        // the member's cached Spotify token went with them: asking for it again goes to auth-service
        int asked = AuthServiceStub.tokenRequests(user);
        accessTokens.accessToken(user);
        assertThat(AuthServiceStub.tokenRequests(user)).isEqualTo(asked + 1);
    }

    /** Another replica consumed the DELETED event: this one must not use the token it cached before, nor keep it. */
    @Test
    void aDeletionConsumedByAnotherReplicaDropsThisReplicasCachedToken() {
        String run = run();
        String user = Emulator.createUsers(run + "rep", "heavy", 1).get(0);
        String other = Emulator.createUsers(run + "rep2", "heavy", 1).get(0);
        accessTokens.accessToken(user);
        accessTokens.accessToken(other);
        int asked = AuthServiceStub.tokenRequests(user);
        accessTokens.accessToken(user);
        assertThat(AuthServiceStub.tokenRequests(user)).as("cached").isEqualTo(asked);

        // what the replica that consumed the event records; nothing reaches this replica's cache directly
        deletedMembers.record(user, Instant.now());
        deletedMembers.record(other, Instant.now());

        accessTokens.accessToken(user);
        assertThat(AuthServiceStub.tokenRequests(user)).isEqualTo(asked + 1);
        // the sweep drops a token nobody asks for again
        assertThat(accessTokens.holdsTokenOf(other)).isTrue();
        await().atMost(WAIT).until(() -> !accessTokens.holdsTokenOf(other));
    }

    /**
     * Catalogue look-ups carry no member's authorisation: they use the app's token, never a member's. The details
     * stored are published on catalogue.artists, keyed by artist, with the genres the emulator gave.
     */
    @Test
    void artistDetailsAreFilledLaterOncePerArtistWithTheAppsTokenAndPublished() {
        String run = run();
        String user = Emulator.createUsers(run + "art", "heavy", 1).get(0);
        awaitOutcomes(sendBatch(run, Instant.now(), List.of(user)), List.of(user));
        // the database outlives test runs: artists fetched by an earlier run are fetched (and published) again
        QuarkusTransaction.requiringNew().run(() -> db.update("""
                UPDATE artists SET details_fetched_at = NULL WHERE id IN (
                    SELECT ta.artist_id FROM track_artists ta JOIN play_events p ON p.track_id = ta.track_id
                    WHERE p.user_id = ?)
                """, user));

        await().atMost(WAIT)
                .until(() -> QuarkusTransaction.requiringNew()
                                .call(() -> ((Number) db.queryOne("""
                        SELECT count(*) FROM artists a JOIN track_artists ta ON ta.artist_id = a.id
                        JOIN play_events p ON p.track_id = ta.track_id
                        WHERE p.user_id = ? AND (a.details_fetched_at IS NULL OR a.image_url IS NULL)
                        """, rs -> rs.getObject(1), user)
                                                .orElse(null))
                                        .intValue())
                        == 0);
        assertThat(AuthServiceStub.appTokenRequests()).isPositive();

        Map<String, List<String>> stored = QuarkusTransaction.requiringNew().call(() -> {
            Map<String, List<String>> genres = new java.util.HashMap<>();
            db.query("""
                    SELECT DISTINCT a.id, a.genres FROM artists a JOIN track_artists ta ON ta.artist_id = a.id
                    JOIN play_events p ON p.track_id = ta.track_id WHERE p.user_id = ?
                    """, rs -> genres.put(rs.getString(1), Db.strings(rs, "genres")), user);
            return genres;
        });
        assertThat(stored.values()).as("the emulator gives most artists genres").anyMatch(g -> !g.isEmpty());
        await().atMost(WAIT).until(() -> publishedArtists().keySet().containsAll(stored.keySet()));
        Map<String, io.audiospective.model.CatalogueArtist> published = publishedArtists();
        stored.forEach((artist, genres) -> {
            io.audiospective.model.CatalogueArtist message = published.get(artist);
            assertThat(message.genres()).as(artist).isEqualTo(genres);
            assertThat(message.imageUrl()).as(artist).isNotBlank();
        });
    }

    /** The latest catalogue.artists record of each artist. */
    private Map<String, io.audiospective.model.CatalogueArtist> publishedArtists() {
        return artists.getRecords().stream()
                .collect(Collectors.toMap(
                        ConsumerRecord::key,
                        r -> MessageCodec.decode(r.value(), io.audiospective.model.CatalogueArtist.class),
                        (a, b) -> b));
    }

    private static ArchiveBatch manual(String id, String user) {
        return ArchiveBatch.of("batch-" + id, Instant.now(), BatchReason.MANUAL, List.of(user));
    }

    private ArchiveBatch sendBatch(String id, Instant scheduledFor, List<String> users) {
        ArchiveBatch batch = ArchiveBatch.of("batch-" + id, scheduledFor, BatchReason.SCHEDULED, users);
        send(batch);
        return batch;
    }

    private void send(ArchiveBatch batch) {
        kafka.produce(String.class, byte[].class)
                .fromRecords(new ProducerRecord<>(Topics.ARCHIVE_BATCHES, batch.batchId(), MessageCodec.encode(batch)))
                .awaitCompletion(WAIT);
    }

    private Map<String, ArchiveOutcome> awaitOutcomes(ArchiveBatch batch, List<String> users) {
        await().atMost(WAIT).until(() -> outcomesOf(batch).keySet().containsAll(users));
        return outcomesOf(batch);
    }

    private Map<String, ArchiveOutcome> outcomesOf(ArchiveBatch batch) {
        return outcomes.getRecords().stream()
                .map(r -> MessageCodec.decode(r.value(), ArchiveOutcome.class))
                .filter(o -> o.batchId().equals(batch.batchId()))
                .collect(Collectors.toMap(ArchiveOutcome::userId, o -> o, (a, b) -> a));
    }

    private Set<String> publishedPlays(List<String> users) {
        return plays.getRecords().stream()
                .filter(r -> users.contains(r.key()))
                .map(r -> MessageCodec.decode(r.value(), PlayEvent.class))
                .map(p -> p.userId() + "@" + p.playedAt().toEpochMilli())
                .collect(Collectors.toSet());
    }

    @SuppressWarnings("unchecked")
    private Set<Long> archivedPlayedAtMs(String user) {
        return QuarkusTransaction.requiringNew()
                .call(() -> ((List<Object>) db.query(
                                "SELECT (extract(epoch FROM played_at) * 1000)::bigint FROM play_events WHERE user_id = ?",
                                rs -> rs.getObject(1),
                                user))
                        .stream().map(v -> ((Number) v).longValue()).collect(Collectors.toSet()));
    }

    private static String run() {
        return "r" + UUID.randomUUID().toString().substring(0, 6);
    }
}
