package io.audiospective.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.audiospective.api.repository.ReplayRepository;
import io.audiospective.api.repository.ReplayRepository.Begun;
import io.audiospective.api.repository.ReplayRepository.ReplayRow;
import io.audiospective.api.service.ReadModelService;
import io.audiospective.api.service.ReplayService;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.Topics;
import io.audiospective.model.TrackRef;
import io.audiospective.model.codec.MessageCodec;
import io.audiospective.model.codec.MessageFormatException;
import io.audiospective.support.sql.Db;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * Replays coordinated through the database (README "Replay / backfill"). Other replicas are played by this test with
 * owner ids of their own, against the same PostgreSQL and Kafka as the application's replica: one holds a lease the
 * application must respect, one dies mid-replay and the application resumes its generation, one's generation fails.
 */
@QuarkusTest
class ReplayCoordinationTest {

    private static final Duration LONG_LEASE = Duration.ofHours(1);

    @Inject
    Tokens tokens;

    @Inject
    ReplayRepository replays;

    @Inject
    ReplayService replayService;

    @Inject
    ReadModelService readModel;

    @Inject
    Db db;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    KafkaCompanion kafka;

    @BeforeEach
    void connect() {
        kafka = new KafkaCompanion(bootstrapServers);
        // a replay another test class started has finished (they wait for it), so this one starts from none
        await().atMost(Duration.ofSeconds(120)).until(() -> replays.building().isEmpty());
    }

    @AfterEach
    void disconnect() {
        kafka.close();
        // a replica played by a test that failed half-way must not hold the next test's replay up
        replays.building()
                .filter(row -> row.owner().startsWith("test-replica-"))
                .ifPresent(row -> QuarkusTransaction.requiringNew()
                        .run(() -> replays.end(row.generation(), null, "CANCELLED", "left by a failed test")));
    }

    @Test
    void oneBuilderAtATimeTheOthersSeeItsReplayAndACancelCleansItsGenerationUp() {
        String ownerA = "test-replica-a-" + UUID.randomUUID();
        String ownerB = "test-replica-b-" + UUID.randomUUID();
        Begun first = QuarkusTransaction.requiringNew().call(() -> replays.begin(ownerA, LONG_LEASE, this::endOffsets));
        assertThat(first.created()).isTrue();
        int generation = first.replay().generation();
        assertThat(replays.tablesExist(generation)).isTrue();
        // its rollups are vacuumed as often as the active generation's, so its reads stay index-only scans
        assertThat(storageParameters(new ReadModelTables(generation).trackDays()))
                .isEqualTo(storageParameters(activeTables().trackDays()))
                .contains("autovacuum_vacuum_insert_threshold=10000");

        // a second replica asking to start gets the running replay, nothing new
        Begun second =
                QuarkusTransaction.requiringNew().call(() -> replays.begin(ownerB, LONG_LEASE, this::endOffsets));
        assertThat(second.created()).isFalse();
        assertThat(second.replay().generation()).isEqualTo(generation);
        assertThat(second.replay().owner()).isEqualTo(ownerA);
        // and so does the application's replica, over HTTP
        String admin = tokens.admin("ops-" + UUID.randomUUID());
        given().auth()
                .oauth2(admin)
                .when()
                .post("/api/v1/admin/replays")
                .then()
                .statusCode(200)
                .header("Location", endsWith("/api/v1/admin/replays/" + generation))
                .body("generation", equalTo(generation))
                .body("state", equalTo("RUNNING"))
                .body("owner", equalTo(ownerA));

        // the lease is live: nobody takes it over, and only its owner renews it
        assertThat(QuarkusTransaction.requiringNew().call(() -> replays.takeOver(generation, ownerB, LONG_LEASE)))
                .isFalse();
        assertThat(QuarkusTransaction.requiringNew()
                        .call(() -> replays.heartbeat(generation, ownerB, LONG_LEASE, 7, 3)))
                .isFalse();
        assertThat(QuarkusTransaction.requiringNew()
                        .call(() -> replays.heartbeat(generation, ownerA, LONG_LEASE, 7, 3)))
                .isTrue();
        // a few check intervals later the application's replica still has not taken it over
        await().pollDelay(Duration.ofSeconds(6))
                .atMost(Duration.ofSeconds(10))
                .until(() -> replays.find(generation).orElseThrow().owner().equals(ownerA));

        // the live consumer writes new plays into the generation being built too
        String user = "replay-live-" + UUID.randomUUID();
        String token = tokens.user(user);
        send(user, plays(user, "live", 2, "2025-05-01T08:00:00Z"));
        StatsPropertyTest.awaitPlays(token, 2);
        assertThat(playsIn(new ReadModelTables(generation), user)).isEqualTo(2);

        given().auth()
                .oauth2(admin)
                .when()
                .delete("/api/v1/admin/replays/" + generation)
                .then()
                .statusCode(200)
                .body("state", equalTo("CANCELLED"))
                .body("detail", equalTo("cancelled by an operator"));
        assertThat(replays.building()).isEmpty();
        assertThat(replays.tablesExist(generation)).isFalse();
        // its builder is fenced off: its next batch would find the lease gone
        assertThat(QuarkusTransaction.requiringNew()
                        .call(() -> replays.heartbeat(generation, ownerA, LONG_LEASE, 8, 2)))
                .isFalse();
        // nothing writes the cancelled generation any more: new plays reach the active one alone, without errors
        send(user, plays(user, "after", 3, "2025-06-01T08:00:00Z"));
        StatsPropertyTest.awaitPlays(token, 5);

        given().auth()
                .oauth2(admin)
                .when()
                .delete("/api/v1/admin/replays/" + generation)
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body(
                        "detail",
                        equalTo("Replay " + generation + " is CANCELLED: only a running replay can be cancelled"));
        given().auth()
                .oauth2(admin)
                .when()
                .delete("/api/v1/admin/replays/987654")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(tokens.user(user))
                .when()
                .delete("/api/v1/admin/replays/" + generation)
                .then()
                .statusCode(403);
    }

    @Test
    void aReplayWhoseBuilderDiedIsResumedFromItsCommittedOffsetsByAnotherReplica() {
        Random random = new Random();
        String user = "replay-resume-" + UUID.randomUUID();
        String token = tokens.user(user);
        StatsPropertyTest.setZone(token, "America/New_York");
        List<TrackRef> catalogue = Histories.catalogue(random, user.substring(14, 22) + "-");
        List<PlayEvent> plays = Histories.history(random, user, catalogue, 12);
        send(user, plays);
        send(user, plays);
        StatsPropertyTest.awaitPlays(token, plays.size());
        Map<String, String> before = answers(token);
        int activeBefore = activeGeneration();

        // A replica starts the replay and applies the first 70 % of every partition, batch by batch as a builder
        // does (lease renewed in the batch's transaction, offsets committed after it), then dies.
        String dead = "test-replica-dead-" + UUID.randomUUID();
        Begun begun = QuarkusTransaction.requiringNew()
                .call(() -> replays.begin(dead, Duration.ofSeconds(5), this::endOffsets));
        assertThat(begun.created()).isTrue();
        int generation = begun.replay().generation();
        ReplayRow started = begun.replay();
        Map<TopicPartition, Long> deadCommitted = new HashMap<>();
        long deadRecords = 0;
        try (KafkaConsumer<String, byte[]> consumer = consumer(started.consumerGroup(), 10)) {
            List<TopicPartition> partitions = partitions(consumer);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> stopAt = new HashMap<>();
            partitions.forEach(p -> stopAt.put(p, started.handoverOffset(p.partition()) * 7 / 10));
            while (partitions.stream().anyMatch(p -> consumer.position(p) < stopAt.get(p))) {
                // a partition read far enough waits, else one partition's records may all come before another's
                consumer.pause(partitions.stream()
                        .filter(p -> consumer.position(p) >= stopAt.get(p))
                        .toList());
                List<PublishedPlay> batch = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        batch.add(new PublishedPlay(
                                MessageCodec.decode(record.value(), PlayEvent.class),
                                Instant.ofEpochMilli(record.timestamp())));
                    } catch (MessageFormatException e) {
                        // another test's poison record, as the builder skips it
                    }
                }
                deadRecords += batch.size();
                long applied = deadRecords;
                QuarkusTransaction.requiringNew().run(() -> {
                    assertThat(replays.heartbeat(generation, dead, Duration.ofSeconds(5), applied, 1))
                            .isTrue();
                    readModel.loadReplayed(new ReadModelTables(generation), batch);
                });
                consumer.commitSync();
            }
            partitions.forEach(p -> deadCommitted.put(p, consumer.position(p)));
        }
        assertThat(deadRecords).isPositive();

        // the application's replica finds the lease run out, takes the replay over and finishes the same generation
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> replays.find(generation).orElseThrow().state().equals("COMPLETED"));
        ReplayRow done = replays.find(generation).orElseThrow();
        assertThat(done.owner()).isEqualTo(replayService.owner());
        assertThat(done.takeovers()).isEqualTo(1);
        assertThat(done.replacedGeneration()).isEqualTo(activeBefore);
        assertThat(activeGeneration()).isEqualTo(generation);
        // resumed, not restarted: it read only what the dead replica had not committed (nothing else is produced
        // meanwhile; a restart from offset 0 would have read every record again)
        long remainder = 0;
        try (KafkaConsumer<String, byte[]> consumer = consumer(started.consumerGroup(), 100)) {
            Map<TopicPartition, Long> ends = consumer.endOffsets(deadCommitted.keySet());
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(deadCommitted.keySet());
            for (TopicPartition partition : deadCommitted.keySet()) {
                remainder += ends.get(partition) - deadCommitted.get(partition);
                assertThat(committed.get(partition).offset())
                        .isGreaterThanOrEqualTo(started.handoverOffset(partition.partition()));
            }
        }
        assertThat(remainder).isPositive();
        assertThat(done.records() - deadRecords).isBetween(0L, remainder);

        assertThat(answers(token)).isEqualTo(before);
        given().auth()
                .oauth2(tokens.admin("ops-" + UUID.randomUUID()))
                .when()
                .get("/api/v1/admin/replays/" + generation)
                .then()
                .statusCode(200)
                .body("state", equalTo("COMPLETED"))
                .body("owner", equalTo(replayService.owner()))
                .body("takeovers", equalTo(1));
        // the replaced generation's tables go after drop-replaced-after (10 s), at a check of any replica
        await().atMost(Duration.ofSeconds(60)).until(() -> !replays.tablesExist(activeBefore));
    }

    /**
     * Plays keep arriving while the replay runs and after it switched over; the switch-over waits for the handover
     * offsets, not for a lag of 0, and every play sent ends up counted once in the new generation: those before the
     * handover by the replay, those after it by the live consumer.
     */
    @Test
    void aReplayUnderSustainedTrafficSwitchesOverAndLosesNoPlay() throws Exception {
        String user = "replay-traffic-" + UUID.randomUUID();
        String token = tokens.user(user);
        send(user, plays(user, "early", 200, "2024-01-01T00:00:00Z"));
        StatsPropertyTest.awaitPlays(token, 200);

        java.util.concurrent.atomic.AtomicBoolean sending = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        Thread traffic = new Thread(() -> {
            Instant at = Instant.parse("2025-01-01T00:00:00Z");
            while (sending.get()) {
                int n = sent.get();
                send(user, plays(user, "live" + n, 5, at.plusSeconds(6_000L * n).toString()));
                sent.addAndGet(5);
            }
        });
        traffic.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() >= 20);
            String admin = tokens.admin("ops-" + UUID.randomUUID());
            int generation = given().auth()
                    .oauth2(admin)
                    .when()
                    .post("/api/v1/admin/replays")
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("generation");
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> replays.find(generation).orElseThrow().state().equals("COMPLETED"));
            assertThat(activeGeneration()).isEqualTo(generation);
            // traffic goes on a little after the switch-over
            int atSwitch = sent.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() >= atSwitch + 20);
        } finally {
            sending.set(false);
            traffic.join();
        }
        StatsPropertyTest.awaitPlays(token, 200 + sent.get());
        assertThat(playsIn(new ReadModelTables(activeGeneration()), user)).isEqualTo(200L + sent.get());
    }

    @Test
    void aFoldThatFailsEndsTheReplayFailedAndItsGenerationIsCleanedUp() {
        String user = "replay-fail-" + UUID.randomUUID();
        String token = tokens.user(user);
        send(user, plays(user, "f", 3, "2025-05-01T08:00:00Z"));
        StatsPropertyTest.awaitPlays(token, 3);
        int active = activeGeneration();

        // a replica started it and died at once (lease already run out); the generation's plays table refuses every
        // row, as a bug in the fold would
        String dead = "test-replica-dead-" + UUID.randomUUID();
        int generation = QuarkusTransaction.requiringNew().call(() -> {
            Begun begun = replays.begin(dead, Duration.ZERO, this::endOffsets);
            int g = begun.replay().generation();
            db.update("CREATE FUNCTION refuse_g" + g + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " RAISE EXCEPTION 'refused by the test' USING ERRCODE = '22Z42'; END $$");
            db.update("CREATE TRIGGER refuse BEFORE INSERT ON plays_g" + g + " FOR EACH ROW EXECUTE FUNCTION refuse_g"
                    + g + "()");
            return g;
        });

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> replays.find(generation).orElseThrow().state().equals("FAILED"));
        given().auth()
                .oauth2(tokens.admin("ops-" + UUID.randomUUID()))
                .when()
                .get("/api/v1/admin/replays/" + generation)
                .then()
                .statusCode(200)
                .body("state", equalTo("FAILED"))
                .body("detail", containsString("refused by the test"))
                .body("owner", equalTo(replayService.owner()));
        assertThat(replays.building()).isEmpty();
        assertThat(replays.tablesExist(generation)).isFalse();
        assertThat(activeGeneration()).isEqualTo(active);
        // the live consumer writes the active generation alone again
        send(user, plays(user, "g", 2, "2025-06-01T08:00:00Z"));
        StatsPropertyTest.awaitPlays(token, 5);
        db.update("DROP FUNCTION refuse_g" + generation + "()");
    }

    @Test
    void aMembersRollupsAreRebuiltFromTheirPlays() {
        String user = "rebuild-" + UUID.randomUUID();
        String token = tokens.user(user);
        send(user, plays(user, "r", 6, "2025-05-01T08:00:00Z"));
        StatsPropertyTest.awaitPlays(token, 6);
        Map<String, String> before = answers(token);
        ReadModelTables active = new ReadModelTables(activeGeneration());

        // rollups drift from the plays (a bug, a manual fix gone wrong)
        db.update("UPDATE " + active.trackTotals() + " SET plays = plays + 40 WHERE user_id = ?", user);
        db.update("DELETE FROM " + active.hourDays() + " WHERE user_id = ?", user);
        db.update("DELETE FROM " + active.name("hour_years") + " WHERE user_id = ?", user);
        db.update("UPDATE " + active.listeningDays() + " SET plays = plays + 3 WHERE user_id = ?", user);

        String admin = tokens.admin("ops-" + UUID.randomUUID());
        given().auth()
                .oauth2(admin)
                .when()
                .post("/api/v1/admin/users/" + user + "/rebuild")
                .then()
                .statusCode(200)
                .body("userId", equalTo(user))
                .body("generations", equalTo(List.of(active.generation())))
                .body("plays", equalTo(6));
        assertThat(answers(token)).isEqualTo(before);
        assertThat(db.queryOne(
                        "SELECT sum(plays) FROM " + active.trackTotals() + " WHERE user_id = ?",
                        rs -> rs.getLong(1),
                        user))
                .contains(6L);

        given().auth()
                .oauth2(admin)
                .when()
                .post("/api/v1/admin/users/nobody-" + UUID.randomUUID() + "/rebuild")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().auth()
                .oauth2(token)
                .when()
                .post("/api/v1/admin/users/" + user + "/rebuild")
                .then()
                .statusCode(403);
    }

    private int activeGeneration() {
        return db.queryOne("SELECT active_generation FROM read_model_state WHERE id = 1", rs -> rs.getInt(1))
                .orElseThrow();
    }

    private long playsIn(ReadModelTables tables, String user) {
        return db.queryOne("SELECT count(*) FROM " + tables.plays() + " WHERE user_id = ?", rs -> rs.getLong(1), user)
                .orElseThrow();
    }

    private long[] endOffsets() {
        try (KafkaConsumer<String, byte[]> consumer = consumer("unused-" + UUID.randomUUID(), 1)) {
            List<TopicPartition> partitions = partitions(consumer);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long[] offsets = new long[partitions.size()];
            ends.forEach((p, end) -> offsets[p.partition()] = end);
            return offsets;
        }
    }

    private KafkaConsumer<String, byte[]> consumer(String group, int maxPollRecords) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer) {
        return consumer.partitionsFor(Topics.PLAYS, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
    }

    private ReadModelTables activeTables() {
        return new ReadModelTables(
                db.queryOne("SELECT active_generation FROM read_model_state WHERE id = 1", rs -> rs.getInt(1))
                        .orElseThrow());
    }

    private String storageParameters(String table) {
        return db.queryOne(
                        "SELECT array_to_string(reloptions, ',') FROM pg_class WHERE oid = to_regclass(?)",
                        rs -> rs.getString(1),
                        table)
                .orElse("");
    }

    private void send(String user, List<PlayEvent> plays) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        plays.forEach(p -> records.add(new ProducerRecord<>(Topics.PLAYS, user, MessageCodec.encode(p))));
        kafka.produce(String.class, byte[].class).fromRecords(records).awaitCompletion(Duration.ofSeconds(60));
    }

    private static Map<String, String> answers(String token) {
        Map<String, String> answers = new TreeMap<>();
        for (String path : List.of(
                "/api/v1/me/stats/top/tracks",
                "/api/v1/me/stats/top/artists",
                "/api/v1/me/stats/top/albums",
                "/api/v1/me/stats/summary",
                "/api/v1/me/stats/clock",
                "/api/v1/me/stats/timeline",
                "/api/v1/me/stats/streaks")) {
            answers.put(
                    path,
                    given().auth()
                            .oauth2(token)
                            .queryParam("period", "all")
                            .when()
                            .get(path)
                            .then()
                            .statusCode(200)
                            .extract()
                            .asString());
        }
        return answers;
    }

    /** {@code count} plays ten minutes apart from {@code from}, each of its own track. */
    private static List<PlayEvent> plays(String user, String prefix, int count, String from) {
        List<PlayEvent> plays = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            plays.add(PlayEvent.polled(
                    user, Instant.parse(from).plusSeconds(600L * i), ApiBehaviourTest.track(prefix + i + "-" + user)));
        }
        return plays;
    }
}
