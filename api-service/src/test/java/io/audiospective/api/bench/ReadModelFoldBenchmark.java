package io.audiospective.api.bench;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * Not a test: a benchmark, run on demand with {@code ../mvnw verify -Dbenchmark=true -Dtest=ReadModelFoldBenchmark}.
 * Sends 60,000 plays (1,200 users' first polls of 50 plays each) to the {@code plays} topic and prints how fast the
 * live consumer folds them into the read model, next to the same kind of plays applied one per transaction.
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class ReadModelFoldBenchmark {

    static final int USERS = 1_200;
    static final int PLAYS_PER_USER = 50;
    static final int ONE_BY_ONE = 2_000;

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
            for (PlayEvent play : plays(run + "-" + u, PLAYS_PER_USER)) {
                records.add(new ProducerRecord<>(Topics.PLAYS, play.userId(), MessageCodec.encode(play)));
            }
        }
        long started = System.nanoTime();
        try (KafkaCompanion kafka = new KafkaCompanion(bootstrapServers)) {
            kafka.produce(String.class, byte[].class).fromRecords(records).awaitCompletion(Duration.ofMinutes(5));
        }
        await().atMost(Duration.ofMinutes(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> count(run + "-%") == records.size());
        double batched = records.size() / ((System.nanoTime() - started) / 1e9);

        List<PlayEvent> single = plays(run + "-single", ONE_BY_ONE);
        long singleStarted = System.nanoTime();
        single.forEach(play -> readModel.applyLive(List.of(play)));
        double oneByOne = ONE_BY_ONE / ((System.nanoTime() - singleStarted) / 1e9);

        System.out.printf(
                "READ MODEL BENCHMARK: %,d plays through Kafka folded at %,.0f plays/s (a polled batch per"
                        + " transaction); %,d plays one per transaction: %,.0f plays/s%n",
                records.size(), batched, ONE_BY_ONE, oneByOne);
    }

    private long count(String pattern) {
        return db.queryOne("SELECT count(*) FROM plays WHERE user_id LIKE ?", rs -> rs.getLong(1), pattern)
                .orElseThrow();
    }

    private static List<PlayEvent> plays(String user, int count) {
        List<PlayEvent> plays = new ArrayList<>(count);
        Instant at = Instant.parse("2026-03-01T08:00:00Z");
        for (int i = 0; i < count; i++) {
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
