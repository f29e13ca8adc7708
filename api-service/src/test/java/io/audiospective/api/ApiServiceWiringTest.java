package io.audiospective.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.audiospective.api.service.ReadModelService;
import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.Topics;
import io.audiospective.model.TrackRef;
import io.audiospective.model.codec.MessageCodec;
import io.audiospective.support.sql.Db;
import io.audiospective.testing.ServiceEndpoints;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/** api-service against the real PostgreSQL, Redis and Kafka broker. */
@QuarkusTest
class ApiServiceWiringTest {

    @Inject
    ReadModelService readModel;

    @Inject
    Db db;

    @Inject
    RedisDataSource redis;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    KafkaCompanion kafka;

    @BeforeEach
    void connect() {
        kafka = new KafkaCompanion(bootstrapServers);
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        ServiceEndpoints.assertHealthMetricsAndOpenApiServed();
    }

    @Test
    void schemaIsWritableAndReadable() {
        String userId = freshUser();
        PlayEvent play = PlayEvent.polled(userId, Instant.parse("2026-01-02T03:04:05.678Z"), track("t1"));

        int first = readModel.applyLive(List.of(play));
        int again = readModel.applyLive(List.of(play));

        assertThat(first).isEqualTo(1);
        assertThat(again).isZero();
        List<String> stored = db.query(
                "SELECT track_name, artist_names FROM plays WHERE user_id = ? AND played_at = ?",
                rs -> rs.getString(1) + "/" + Db.strings(rs, "artist_names"),
                userId,
                play.playedAt());
        assertThat(stored).containsExactly("Track t1/[Artist t1]");
    }

    @Test
    void redisKeysCanBeSetAndRead() {
        String key = "test:" + freshUser();
        redis.value(String.class).setex(key, 60, "hello");

        assertThat(redis.value(String.class).get(key)).isEqualTo("hello");
    }

    @Test
    void playsFromKafkaReachTheReadModelOnceEach() {
        String userId = freshUser();
        Instant base = Instant.parse("2026-02-01T10:00:00Z");
        PlayEvent first = PlayEvent.polled(userId, base, track("a"));
        PlayEvent second = PlayEvent.polled(userId, base.plusSeconds(200), track("b"));

        // The duplicate precedes the second play on the same partition, so it is processed before it.
        kafka.produce(String.class, byte[].class)
                .fromRecords(List.of(record(first), record(first), record(second)))
                .awaitCompletion(Duration.ofSeconds(30));

        await().atMost(Duration.ofSeconds(30)).until(() -> count(userId) == 2);
    }

    @Test
    void aMalformedPlayGoesToTheDeadLetterTopicWithItsReason() {
        String userId = freshUser();
        byte[] malformed = "{\"schemaVersion\":1,\"userId\":\"x\"".getBytes(StandardCharsets.UTF_8);
        kafka.produce(String.class, byte[].class)
                .fromRecords(new ProducerRecord<>(Topics.PLAYS, userId, malformed))
                .awaitCompletion(Duration.ofSeconds(30));

        var deadLetters = kafka.consume(String.class, byte[].class)
                .withGroupId("dlq-check-" + userId)
                .withOffsetReset(OffsetResetStrategy.EARLIEST)
                .fromTopics(Topics.deadLetter(Topics.PLAYS));

        var record = await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> deadLetters.getRecords().stream()
                                .filter(r -> userId.equals(r.key()))
                                .findFirst(),
                        Optional::isPresent)
                .orElseThrow();
        deadLetters.close();
        String reason =
                new String(record.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
        assertThat(reason).contains("Cannot read PlayEvent");
        assertThat(record.value()).isEqualTo(malformed);
    }

    private long count(String userId) {
        return db.queryOne("SELECT count(*) FROM plays WHERE user_id = ?", rs -> rs.getLong(1), userId)
                .orElseThrow();
    }

    private static ProducerRecord<String, byte[]> record(PlayEvent play) {
        return new ProducerRecord<>(Topics.PLAYS, play.userId(), MessageCodec.encode(play));
    }

    private static TrackRef track(String id) {
        return new TrackRef(
                id,
                "Track " + id,
                180_000,
                null,
                new AlbumRef("al-" + id, "Album " + id, "2020", null),
                List.of(new ArtistRef("ar-" + id, "Artist " + id)));
    }

    private static String freshUser() {
        return "user-" + UUID.randomUUID();
    }
}
