package io.audiospective.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.Topics;
import io.audiospective.model.TrackRef;
import io.audiospective.model.codec.MessageCodec;
import io.audiospective.support.messaging.DeadLetterHeaders;
import io.audiospective.support.sql.Db;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A play the fold refuses (dated in the year 290000) is set aside on {@code plays.dlq} alone and at once, while the
 * rest of its polled batch, its member's other plays and other members' plays, are folded.
 */
@QuarkusTest
class PoisonPlayTest {

    @Inject
    Db db;

    @Inject
    TestTopics topics;

    @Test
    void aPoisonPlayIsDeadLetteredAloneWhileTheRestOfItsBatchIsFolded() {
        String poisoned = "user-" + UUID.randomUUID();
        String other = "user-" + UUID.randomUUID();
        Instant base = Instant.parse("2026-03-01T10:00:00Z");
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            records.add(record(PlayEvent.polled(poisoned, base.plusSeconds(200L * i), track("p" + i))));
            records.add(record(PlayEvent.polled(other, base.plusSeconds(200L * i), track("o" + i))));
            if (i == 20) {
                records.add(
                        record(PlayEvent.polled(poisoned, Instant.parse("+290000-01-01T00:00:00Z"), track("poison"))));
            }
        }
        topics.sendAll(records);

        // far below the minutes an in-place retry of the whole batch took before it was dead-lettered
        await().atMost(Duration.ofSeconds(30)).until(() -> count(poisoned) == 40 && count(other) == 40);

        List<ConsumerRecord<String, byte[]>> ours = topics.deadLetters(Topics.PLAYS, List.of(poisoned));
        assertThat(ours).hasSize(1);
        ConsumerRecord<String, byte[]> dead = ours.get(0);
        assertThat(MessageCodec.decode(dead.value(), PlayEvent.class).track().id())
                .isEqualTo("poison");
        assertThat(header(dead, DeadLetterHeaders.REASON)).contains("outside the range a play can have");
        assertThat(header(dead, DeadLetterHeaders.KIND)).isEqualTo("CONTENT");
        assertThat(header(dead, DeadLetterHeaders.TOPIC)).isEqualTo(Topics.PLAYS);
        assertThat(header(dead, DeadLetterHeaders.PARTITION)).matches("\\d+");
        assertThat(header(dead, DeadLetterHeaders.OFFSET)).matches("\\d+");
        assertThat(count(other)).isEqualTo(40);
    }

    private long count(String userId) {
        return db.queryOne("SELECT count(*) FROM plays WHERE user_id = ?", rs -> rs.getLong(1), userId)
                .orElseThrow();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
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
}
