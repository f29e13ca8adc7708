package io.audiospective.api.bench;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.audiospective.api.service.ReadModelService;
import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.Topics;
import io.audiospective.model.TrackRef;
import io.audiospective.model.codec.MessageCodec;
import io.audiospective.support.sql.Db;
import io.audiospective.testing.ProcessStats;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * Not a test: a benchmark, run on demand with {@code ../mvnw verify -Dbenchmark=true -Dtest=ReadModelFoldBenchmark}.
 * Sends 60,000 plays (1,200 users' first polls of 50 plays each) to the {@code plays} topic and prints how fast the
 * live consumer folds them into the read model, next to the same kind of plays applied one per transaction. Then the
 * shape the capacity benchmark polls: the same members' hourly polls, {@link #NEW_PER_POLL} new plays each, members
 * whose rollups exist already, with the CPU PostgreSQL spends per play folded, next to PostgreSQL's CPU per row of a
 * plain INSERT of as many plays (no rollup) in the same run.
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class ReadModelFoldBenchmark {

    static final int USERS = 1_200;
    static final int PLAYS_PER_USER = 50;
    static final int ONE_BY_ONE = 2_000;
    static final int POLLS = 10;
    static final int NEW_PER_POLL = 4;

    @Inject
    ReadModelService readModel;

    @Inject
    Db db;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void benchmark() {
        String run = "fold-" + UUID.randomUUID().toString().substring(0, 8);
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            for (PlayEvent play : plays(run + "-member-" + u, 0, PLAYS_PER_USER)) {
                records.add(new ProducerRecord<>(Topics.PLAYS, play.userId(), MessageCodec.encode(play)));
            }
        }
        long started = System.nanoTime();
        try (KafkaCompanion kafka = new KafkaCompanion(bootstrapServers)) {
            kafka.produce(String.class, byte[].class).fromRecords(records).awaitCompletion(Duration.ofMinutes(5));
        }
        await().atMost(Duration.ofMinutes(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> count(run + "-member-%") == records.size());
        double batched = records.size() / ((System.nanoTime() - started) / 1e9);

        List<PlayEvent> single = plays(run + "-single", 0, ONE_BY_ONE);
        long singleStarted = System.nanoTime();
        single.forEach(play -> readModel.applyLive(List.of(play)));
        double oneByOne = ONE_BY_ONE / ((System.nanoTime() - singleStarted) / 1e9);

        // hourly polls: every member's next few plays, one poll of every member after the other
        List<ProducerRecord<String, byte[]>> polls = new ArrayList<>();
        for (int poll = 0; poll < POLLS; poll++) {
            for (int u = 0; u < USERS; u++) {
                for (PlayEvent play : plays(run + "-member-" + u, PLAYS_PER_USER + poll * NEW_PER_POLL, NEW_PER_POLL)) {
                    polls.add(new ProducerRecord<>(Topics.PLAYS, play.userId(), MessageCodec.encode(play)));
                }
            }
        }
        long expected = records.size() + polls.size(); // the members' plays only, not those folded one by one
        double postgresBefore = ProcessStats.cpuSeconds("postgres");
        long pollsStarted = System.nanoTime();
        try (KafkaCompanion kafka = new KafkaCompanion(bootstrapServers)) {
            kafka.produce(String.class, byte[].class).fromRecords(polls).awaitCompletion(Duration.ofMinutes(5));
        }
        await().atMost(Duration.ofMinutes(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> count(run + "-member-%") == expected);
        double hourly = polls.size() / ((System.nanoTime() - pollsStarted) / 1e9);
        double foldCpuMs = (ProcessStats.cpuSeconds("postgres") - postgresBefore) * 1000 / polls.size();

        // the limit: as many plays inserted into plays alone, by one statement, on the same PostgreSQL
        double plainBefore = ProcessStats.cpuSeconds("postgres");
        db.update("""
                INSERT INTO plays (user_id, played_at, track_id, track_name, album_id, album_name, artist_ids,
                                   artist_names, ms_played, source)
                SELECT ?, timestamptz '2026-03-01 08:00:00+00' + make_interval(secs => i * 210),
                       'fb' || (i * 7919) % 3000, 'Track', 'fbal' || ((i * 7919) % 3000) % 900, 'Album',
                       ARRAY['fbar' || ((i * 7919) % 3000) % 500], ARRAY['Artist'], 200000, 'POLL'
                FROM generate_series(1, ?) AS i
                """, run + "-plain", polls.size());
        double plainCpuMs = (ProcessStats.cpuSeconds("postgres") - plainBefore) * 1000 / polls.size();

        System.out.printf(
                "READ MODEL BENCHMARK: %,d plays through Kafka folded at %,.0f plays/s (a polled batch per"
                        + " transaction); %,d plays one per transaction: %,.0f plays/s%n",
                records.size(), batched, ONE_BY_ONE, oneByOne);
        System.out.printf(
                Locale.ROOT,
                "READ MODEL BENCHMARK, hourly polls: %,d plays (%,d members with %,d plays folded already, %d polls of"
                        + " %d new plays each, tracks known) folded at %,.0f plays/s, PostgreSQL %.3f ms CPU per play;"
                        + " the limit, the same number of plays INSERTed into plays alone in one statement:"
                        + " PostgreSQL %.3f ms CPU per play%n",
                polls.size(),
                USERS,
                PLAYS_PER_USER,
                POLLS,
                NEW_PER_POLL,
                hourly,
                foldCpuMs,
                plainCpuMs);
    }

    private long count(String pattern) {
        return db.queryOne("SELECT count(*) FROM plays WHERE user_id LIKE ?", rs -> rs.getLong(1), pattern)
                .orElseThrow();
    }

    /** The member's plays {@code first} to {@code first + count - 1}, 3.5 minutes apart. */
    private static List<PlayEvent> plays(String user, int first, int count) {
        List<PlayEvent> plays = new ArrayList<>(count);
        Instant at = Instant.parse("2026-03-01T08:00:00Z");
        for (int i = first; i < first + count; i++) {
            String id = "fb" + (i * 7919 % 3000);
            TrackRef track = new TrackRef(
                    id,
                    "Track " + id,
                    200_000,
                    null,
                    new AlbumRef("fbal" + (i * 7919 % 3000) % 900, "Album", "2021", null),
                    List.of(new ArtistRef("fbar" + (i * 7919 % 3000) % 500, "Artist")));
            plays.add(PlayEvent.polled(user, at.plusSeconds(210L * i), track));
        }
        return plays;
    }
}
