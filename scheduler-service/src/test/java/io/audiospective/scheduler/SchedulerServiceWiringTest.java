package io.audiospective.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.audiospective.model.Topics;
import io.audiospective.model.UserEvent;
import io.audiospective.model.UserEventType;
import io.audiospective.model.codec.MessageCodec;
import io.audiospective.scheduler.repository.ScheduledUserRepository;
import io.audiospective.testing.ServiceEndpoints;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/** scheduler-service against the real PostgreSQL, Redis and Kafka broker. */
@QuarkusTest
class SchedulerServiceWiringTest {

    @Inject
    ScheduledUserRepository users;

    @Inject
    RedisDataSource redis;

    @Inject
    EntityManager entityManager;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void healthMetricsAndOpenApiAreServed() {
        ServiceEndpoints.assertHealthMetricsAndOpenApiServed();
    }

    @Test
    void userEventsFromKafkaDecideWhoIsPolled() {
        String userId = freshUser();
        Instant registered = Instant.parse("2026-05-01T10:00:00Z");

        produce(UserEvent.of(userId, UserEventType.REGISTERED, 1, registered, "Ada", null));
        await().atMost(Duration.ofSeconds(30)).until(() -> status(userId) == ScheduleStatus.ACTIVE);

        produce(UserEvent.of(userId, UserEventType.NEEDS_REAUTH, 2, registered.plusSeconds(60), null, null));
        await().atMost(Duration.ofSeconds(30)).until(() -> status(userId) == ScheduleStatus.NEEDS_REAUTH);
    }

    @Test
    void theSequenceOrdersAUsersEventsWhateverTheReplicasClocksSay() {
        String userId = freshUser();
        Instant noon = Instant.parse("2026-05-03T12:00:00Z");
        QuarkusTransaction.requiringNew().run(() -> users.applyStatus(userId, ScheduleStatus.ACTIVE, noon, 10L));

        // an older deletion, stamped by a replica whose clock ran an hour ahead, comes again
        QuarkusTransaction.requiringNew()
                .run(() -> users.applyStatus(userId, ScheduleStatus.DELETED, noon.plusSeconds(3600), 9L));
        assertThat(QuarkusTransaction.requiringNew().call(() -> users.findById(userId)).status)
                .isEqualTo(ScheduleStatus.ACTIVE);

        // the newest change, stamped by a replica whose clock runs an hour behind
        QuarkusTransaction.requiringNew()
                .run(() -> users.applyStatus(userId, ScheduleStatus.NEEDS_REAUTH, noon.minusSeconds(3600), 11L));
        assertThat(QuarkusTransaction.requiringNew().call(() -> users.findById(userId)).status)
                .isEqualTo(ScheduleStatus.NEEDS_REAUTH);
    }

    @Test
    void anOlderEventNeverOverwritesANewerStatus() {
        String userId = freshUser();
        Instant deletedAt = Instant.parse("2026-05-02T10:00:00Z");
        QuarkusTransaction.requiringNew().run(() -> users.applyStatus(userId, ScheduleStatus.DELETED, deletedAt));

        QuarkusTransaction.requiringNew()
                .run(() -> users.applyStatus(userId, ScheduleStatus.ACTIVE, deletedAt.minusSeconds(1)));

        assertThat(QuarkusTransaction.requiringNew().call(() -> users.findById(userId)))
                .isNull();
        assertThat(QuarkusTransaction.requiringNew().call(() -> users.deletedAt(userId)))
                .isEqualTo(deletedAt);
    }

    @Test
    void aDeletionKeepsNoRowHoldingTheIdButStillOrdersTheMembersLaterEvents() {
        String userId = freshUser();
        Instant noon = Instant.parse("2026-05-04T12:00:00Z");
        QuarkusTransaction.requiringNew().run(() -> users.applyStatus(userId, ScheduleStatus.ACTIVE, noon, 1L));

        QuarkusTransaction.requiringNew()
                .run(() -> users.applyStatus(userId, ScheduleStatus.DELETED, noon.plusSeconds(60), 2L));
        assertThat(QuarkusTransaction.requiringNew().call(() -> users.findById(userId)))
                .isNull();
        assertThat(rowsNaming(userId)).isZero();
        assertThat(QuarkusTransaction.requiringNew().call(() -> users.deletedAt(userId)))
                .isEqualTo(noon.plusSeconds(60));

        // the old sign-up re-delivered (stamped by a clock an hour ahead) does not bring the member back
        QuarkusTransaction.requiringNew()
                .run(() -> users.applyStatus(userId, ScheduleStatus.ACTIVE, noon.plusSeconds(3600), 1L));
        assertThat(QuarkusTransaction.requiringNew().call(() -> users.findById(userId)))
                .isNull();

        // the same account signs up again: scheduled afresh, and the tombstone is no longer needed
        QuarkusTransaction.requiringNew()
                .run(() -> users.applyStatus(userId, ScheduleStatus.ACTIVE, noon.plusSeconds(120), 3L));
        assertThat(QuarkusTransaction.requiringNew().call(() -> users.findById(userId)).status)
                .isEqualTo(ScheduleStatus.ACTIVE);
        assertThat(QuarkusTransaction.requiringNew().call(() -> users.deletedAt(userId)))
                .isNull();
        // and the old deletion re-delivered does not delete them again
        QuarkusTransaction.requiringNew()
                .run(() -> users.applyStatus(userId, ScheduleStatus.DELETED, noon.plusSeconds(60), 2L));
        assertThat(QuarkusTransaction.requiringNew().call(() -> users.findById(userId)).status)
                .isEqualTo(ScheduleStatus.ACTIVE);
    }

    /** Rows of the scheduler's schema whose text columns hold the id. */
    private long rowsNaming(String userId) {
        return QuarkusTransaction.requiringNew()
                .call(() -> ((Number) entityManager
                                .createNativeQuery("""
                SELECT (SELECT count(*) FROM scheduled_users WHERE user_id = :id OR last_batch_id LIKE '%' || :id || '%')
                     + (SELECT count(*) FROM deleted_members WHERE user_key = :id)
                """)
                                .setParameter("id", userId)
                                .getSingleResult())
                        .longValue());
    }

    @Test
    void redisKeysCanBeSetAndRead() {
        String key = "test:" + freshUser();
        redis.value(String.class).setex(key, 60, "hello");

        assertThat(redis.value(String.class).get(key)).isEqualTo("hello");
    }

    private ScheduleStatus status(String userId) {
        ScheduledUser user = QuarkusTransaction.requiringNew().call(() -> users.findById(userId));
        return user == null ? null : user.status;
    }

    private void produce(UserEvent event) {
        try (KafkaCompanion kafka = new KafkaCompanion(bootstrapServers)) {
            kafka.produce(String.class, byte[].class)
                    .fromRecords(new ProducerRecord<>(Topics.USERS, event.userId(), MessageCodec.encode(event)))
                    .awaitCompletion(Duration.ofSeconds(30));
        }
    }

    private static String freshUser() {
        return "user-" + UUID.randomUUID();
    }
}
