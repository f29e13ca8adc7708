package io.audiospective.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.audiospective.archive.messaging.OutcomePublisher;
import io.audiospective.archive.repository.PolledPageRepository;
import io.audiospective.archive.service.ArchiveWriter;
import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArchiveOutcome;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.FailureKind;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.Topics;
import io.audiospective.model.TrackRef;
import io.audiospective.model.codec.MessageCodec;
import io.audiospective.support.sql.Db;
import io.audiospective.testing.ServiceEndpoints;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/** archive-worker against the real PostgreSQL, Redis and Kafka broker. */
@QuarkusTest
class ArchiveWorkerWiringTest {

    @Inject
    ArchiveWriter writer;

    @Inject
    Db db;

    @Inject
    OutcomePublisher outcomes;

    @Inject
    RedisDataSource redis;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void healthMetricsAndOpenApiAreServed() {
        ServiceEndpoints.assertHealthMetricsAndOpenApiServed();
    }

    @Test
    void playsAreArchivedOnceWithTheirCatalogue() {
        String run = UUID.randomUUID().toString();
        String userId = "user-" + run;
        ArtistRef artist = new ArtistRef("artist-" + run, "Nina");
        TrackRef first = new TrackRef("track-a-" + run, "A", 200_000, "ISRC1", album(run), List.of(artist));
        TrackRef second = new TrackRef(
                "track-b-" + run,
                "B",
                150_000,
                null,
                album(run),
                List.of(artist, new ArtistRef("guest-" + run, "Guest")));
        Instant at = Instant.parse("2026-04-01T12:00:00.250Z");
        List<PlayEvent> page =
                List.of(PlayEvent.polled(userId, at, first), PlayEvent.polled(userId, at.plusSeconds(300), second));

        Instant polledAt = at.plusSeconds(900);
        PolledPageRepository.Archived firstPoll = writer.write(userId, page, at.plusSeconds(300), polledAt);
        List<PlayEvent> overlapping = List.of(page.get(1), PlayEvent.polled(userId, at.plusSeconds(600), first));
        PolledPageRepository.Archived overlappingPoll =
                writer.write(userId, overlapping, at.plusSeconds(600), polledAt.plusSeconds(60));
        PolledPageRepository.Archived emptyPoll = writer.write(userId, List.of(), null, polledAt.plusSeconds(120));

        assertThat(firstPoll.newPlays()).containsExactlyElementsOf(page);
        assertThat(firstPoll.previousNewest()).isNull();
        assertThat(overlappingPoll.newPlays()).containsExactly(overlapping.get(1));
        assertThat(overlappingPoll.previousNewest()).isEqualTo(at.plusSeconds(300));
        assertThat(emptyPoll.newPlays()).isEmpty();
        // an empty page leaves the cursor where it was
        assertThat(emptyPoll.previousNewest()).isEqualTo(at.plusSeconds(600));
        // each new play reaches plays once, as the page carried it: the relay publishes the outbox rows within about
        // a second (reading the outbox itself raced with it)
        List<PlayEvent> newPlays = List.of(page.get(0), page.get(1), overlapping.get(1));
        try (KafkaCompanion kafka = new KafkaCompanion(bootstrapServers)) {
            var consumed = kafka.consume(String.class, byte[].class)
                    .withGroupId("wiring-" + userId)
                    .withOffsetReset(OffsetResetStrategy.EARLIEST)
                    .fromTopics(Topics.PLAYS);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> outboxRowsOf(userId) == 0
                            && published(consumed.getRecords(), userId).size() >= newPlays.size());
            assertThat(published(consumed.getRecords(), userId)).containsExactlyElementsOf(newPlays);
            consumed.close();
        }
        assertThat(playsOf(userId)).isEqualTo(3);
        assertThat(db.queryOne(
                        "SELECT track_id || '/' || ms_played FROM play_events WHERE user_id = ? AND played_at = ?",
                        rs -> rs.getString(1),
                        userId,
                        at))
                .contains(first.id() + "/200000");
        assertThat(db.queryOne(
                        "SELECT position FROM track_artists WHERE track_id = ? AND artist_id = ?",
                        rs -> rs.getInt("position"),
                        second.id(),
                        "guest-" + run))
                .contains(1);
    }

    @Test
    void aPlayMustNameACatalogueTrackAndTheCatalogueIsNeverDeletedFrom() {
        String run = UUID.randomUUID().toString();
        TrackRef track = new TrackRef(
                "track-" + run, "Kept", 180_000, null, album(run), List.of(new ArtistRef("artist-" + run, "Artist")));
        writer.write(
                "user-" + run,
                List.of(PlayEvent.polled("user-" + run, Instant.now(), track)),
                Instant.now(),
                Instant.now());

        // one good row and one of an unknown track in one statement: the whole statement is refused
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew()
                        .run(() -> db.update("""
                                INSERT INTO play_events (user_id, played_at, track_id, ms_played, source)
                                VALUES (?, now(), ?, 1000, 'POLL'), (?, now() + interval '1 second', ?, 1000, 'POLL')
                                """, "other-" + run, track.id(), "other-" + run, "missing-" + run)))
                .hasStackTraceContaining("track missing-" + run + " is not in the catalogue");
        assertThat(playsOf("other-" + run)).isZero();
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew()
                        .run(() -> db.update("DELETE FROM tracks WHERE id = ?", track.id())))
                .hasStackTraceContaining("the catalogue is append-only");
        assertThat(playsOf("user-" + run)).isEqualTo(1);
    }

    @Test
    void redisKeysCanBeSetAndRead() {
        String key = "test:" + UUID.randomUUID();
        redis.value(String.class).setex(key, 60, "hello");

        assertThat(redis.value(String.class).get(key)).isEqualTo("hello");
    }

    @Test
    void outcomesArePublishedKeyedByUser() throws Exception {
        String userId = "user-" + UUID.randomUUID();
        Instant slot = Instant.parse("2026-04-01T12:00:00Z");
        ArchiveOutcome outcome = ArchiveOutcome.failure(
                "batch-1",
                userId,
                slot,
                slot.plusSeconds(4),
                FailureKind.RATE_LIMITED,
                17L,
                "Spotify asked to retry after 17 s");

        outcomes.publish(outcome).toCompletableFuture().get(30, TimeUnit.SECONDS);

        try (KafkaCompanion kafka = new KafkaCompanion(bootstrapServers)) {
            var consumed = kafka.consume(String.class, byte[].class)
                    .withGroupId("wiring-" + userId)
                    .withOffsetReset(OffsetResetStrategy.EARLIEST)
                    .fromTopics(Topics.ARCHIVE_OUTCOMES);
            var record = await().atMost(Duration.ofSeconds(30))
                    .until(
                            () -> consumed.getRecords().stream()
                                    .filter(r -> userId.equals(r.key()))
                                    .findFirst(),
                            Optional::isPresent)
                    .orElseThrow();
            consumed.close();

            assertThat(MessageCodec.decode(record.value(), ArchiveOutcome.class))
                    .isEqualTo(outcome);
        }
    }

    private static AlbumRef album(String run) {
        return new AlbumRef("album-" + run, "Album", "2019-05", null);
    }

    private long playsOf(String userId) {
        return db.queryOne("SELECT count(*) FROM play_events WHERE user_id = ?", rs -> rs.getLong(1), userId)
                .orElseThrow();
    }

    private long outboxRowsOf(String userId) {
        return db.queryOne("SELECT count(*) FROM outbox WHERE message_key = ?", rs -> rs.getLong(1), userId)
                .orElseThrow();
    }

    private static List<PlayEvent> published(
            List<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> records, String userId) {
        return records.stream()
                .filter(r -> userId.equals(r.key()))
                .map(r -> MessageCodec.decode(r.value(), PlayEvent.class))
                .toList();
    }
}
