package io.audiospective.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import io.audiospective.model.ArchiveOutcome;
import io.audiospective.model.FailureKind;
import io.audiospective.model.Topics;
import io.audiospective.model.codec.MessageCodec;
import io.audiospective.support.messaging.DeadLetterHeaders;
import io.audiospective.support.sql.Db;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Poll outcomes are applied a polled batch at a time: every member's last successful poll, the hour's counts per kind
 * added up, and an outcome that cannot be read set aside alone.
 */
@QuarkusTest
class PollOutcomesTest {

    @Inject
    Db db;

    @Inject
    TestTopics topics;

    @Test
    void aBatchOfOutcomesIsCountedAndRecordedAndAMalformedOneIsDeadLetteredAlone() {
        // an hour of its own, long past: no other outcome is counted in it
        Instant hour = Instant.parse("1990-01-01T00:00:00Z")
                .plus(ThreadLocalRandom.current().nextInt(200_000), ChronoUnit.HOURS);
        String polled = "outcomes-" + UUID.randomUUID();
        String failed = "outcomes-" + UUID.randomUUID();
        String malformed = "outcomes-" + UUID.randomUUID();
        topics.sendAll(List.of(
                record(polled, success(polled, hour.plusSeconds(60))),
                record(
                        failed,
                        MessageCodec.encode(ArchiveOutcome.failure(
                                "b", failed, hour, hour.plusSeconds(70), FailureKind.NETWORK, null, "timeout"))),
                record(polled, success(polled, hour.plusSeconds(1800))),
                record(malformed, "not an outcome".getBytes(StandardCharsets.UTF_8)),
                record(polled, success(polled, hour.plusSeconds(900)))));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(polls(hour, "OK")).isEqualTo(3);
            assertThat(polls(hour, "NETWORK")).isEqualTo(1);
        });
        Instant lastSuccessful = db.queryOne(
                        "SELECT last_successful_poll FROM user_status WHERE user_id = ?",
                        rs -> Db.instant(rs, "last_successful_poll"),
                        polled)
                .orElseThrow();
        assertThat(lastSuccessful).isEqualTo(hour.plusSeconds(1800));

        List<ConsumerRecord<String, byte[]>> ours =
                topics.deadLetters(Topics.ARCHIVE_OUTCOMES, List.of(polled, failed, malformed));
        assertThat(ours).singleElement().satisfies(dead -> {
            assertThat(dead.key()).isEqualTo(malformed);
            assertThat(new String(
                            dead.headers().lastHeader(DeadLetterHeaders.KIND).value(), StandardCharsets.UTF_8))
                    .isEqualTo("CONTENT");
        });
    }

    private long polls(Instant hour, String kind) {
        return db.queryOne(
                        "SELECT polls FROM poll_outcomes_hourly WHERE hour = ? AND outcome = ?",
                        rs -> rs.getLong(1),
                        hour,
                        kind)
                .orElse(0L);
    }

    private static byte[] success(String userId, Instant completedAt) {
        return MessageCodec.encode(
                ArchiveOutcome.success("b", userId, completedAt.minusSeconds(30), completedAt, 2, false, false, true));
    }

    private static ProducerRecord<String, byte[]> record(String key, byte[] value) {
        return new ProducerRecord<>(Topics.ARCHIVE_OUTCOMES, key, value);
    }
}
