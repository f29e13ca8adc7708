package io.audiospective.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.audiospective.auth.repository.MemberRepository;
import io.audiospective.auth.repository.UserEventOutbox;
import io.audiospective.model.Topics;
import io.audiospective.model.UserEvent;
import io.audiospective.model.UserEventType;
import io.audiospective.model.codec.MessageCodec;
import io.audiospective.testing.ServiceEndpoints;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/** auth-service against the real PostgreSQL, Redis and Kafka broker. */
@QuarkusTest
class AuthServiceWiringTest {

    @Inject
    MemberRepository members;

    @Inject
    UserEventOutbox outbox;

    @Inject
    RedisDataSource redis;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void healthMetricsAndOpenApiAreServed() {
        ServiceEndpoints.assertHealthMetricsAndOpenApiServed();
    }

    @Test
    void membersAreWrittenAndReadInTheAuthSchema() {
        String userId = freshUser();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        QuarkusTransaction.requiringNew().run(() -> {
            Member member = new Member();
            member.spotifyUserId = userId;
            member.displayName = "Ada";
            member.status = MemberStatus.ACTIVE;
            member.createdAt = now;
            member.updatedAt = now;
            members.persist(member);
        });

        Member stored = QuarkusTransaction.requiringNew().call(() -> members.findById(userId));

        assertThat(stored.displayName).isEqualTo("Ada");
        assertThat(stored.status).isEqualTo(MemberStatus.ACTIVE);
        assertThat(stored.createdAt).isEqualTo(now);
    }

    @Test
    void redisKeysCanBeSetAndRead() {
        String key = "test:" + freshUser();
        redis.value(String.class).setex(key, 60, "hello");

        assertThat(redis.value(String.class).get(key)).isEqualTo("hello");
    }

    @Test
    void userEventsArePublishedKeyedByUserOnceTheirTransactionCommitted() throws Exception {
        String held = freshUser();
        String marker = freshUser();
        CountDownLatch appended = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        CompletableFuture<UserEvent> heldEvent = CompletableFuture.supplyAsync(() -> QuarkusTransaction.requiringNew()
                .call(() -> {
                    UserEvent event =
                            outbox.append(held, UserEventType.REGISTERED, Instant.now(), "Ada", "Europe/London");
                    appended.countDown();
                    // the transaction stays open until the marker, written after it, is on the topic
                    assertThat(commit.await(60, TimeUnit.SECONDS)).isTrue();
                    return event;
                }));
        assertThat(appended.await(30, TimeUnit.SECONDS)).isTrue();
        UserEvent markerEvent = QuarkusTransaction.requiringNew()
                .call(() -> outbox.append(marker, UserEventType.REGISTERED, Instant.now(), null, null));
        String rolledBack = freshUser();
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
                    outbox.append(rolledBack, UserEventType.DELETED, Instant.now(), null, null);
                    throw new IllegalStateException("the change fails after its event was written");
                }))
                .hasMessageContaining("the change fails");

        try (KafkaCompanion kafka = new KafkaCompanion(bootstrapServers)) {
            var consumed = kafka.consume(String.class, byte[].class)
                    .withGroupId("wiring-" + marker)
                    .withOffsetReset(OffsetResetStrategy.EARLIEST)
                    .fromTopics(Topics.USERS);
            try {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> keys(consumed).contains(marker));
                assertThat(keys(consumed)).doesNotContain(held);

                commit.countDown();
                UserEvent event = heldEvent.get(30, TimeUnit.SECONDS);
                var record = await().atMost(Duration.ofSeconds(30))
                        .until(
                                () -> consumed.getRecords().stream()
                                        .filter(r -> held.equals(r.key()))
                                        .findFirst(),
                                Optional::isPresent)
                        .orElseThrow();
                UserEvent published = MessageCodec.decode(record.value(), UserEvent.class);
                assertThat(published).isEqualTo(event);
                // drawn first, committed last: the sequence orders the member's events, not the topic's order
                assertThat(published.sequence()).isLessThan(markerEvent.sequence());
                assertThat(keys(consumed)).doesNotContain(rolledBack);
            } finally {
                consumed.close();
            }
        }
    }

    private static List<String> keys(ConsumerTask<String, byte[]> consumed) {
        return consumed.getRecords().stream().map(ConsumerRecord::key).toList();
    }

    private static String freshUser() {
        return "user-" + UUID.randomUUID();
    }
}
