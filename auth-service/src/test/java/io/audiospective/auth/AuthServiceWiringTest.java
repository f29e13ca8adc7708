package io.audiospective.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.audiospective.auth.messaging.UserEventPublisher;
import io.audiospective.auth.repository.MemberRepository;
import io.audiospective.model.Topics;
import io.audiospective.model.UserEvent;
import io.audiospective.model.UserEventType;
import io.audiospective.model.codec.MessageCodec;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/** auth-service against the real PostgreSQL, Redis and Kafka broker. */
@QuarkusTest
class AuthServiceWiringTest {

    @Inject
    MemberRepository members;

    @Inject
    UserEventPublisher userEvents;

    @Inject
    RedisDataSource redis;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void healthMetricsAndOpenApiAreServed() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("database-schema", "Database connections health check",
                        "Redis connection health check", "kafka"));
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/metrics").then().statusCode(200);
        given().when().get("/q/openapi").then().statusCode(200);
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
    void userEventsArePublishedKeyedByUser() throws Exception {
        String userId = freshUser();
        UserEvent event = UserEvent.of(userId, UserEventType.REGISTERED, Instant.now(), "Ada", "Europe/London");

        userEvents.publish(event).toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);

        try (KafkaCompanion kafka = new KafkaCompanion(bootstrapServers)) {
            var consumed = kafka.consume(String.class, byte[].class)
                    .withGroupId("wiring-" + userId)
                    .withOffsetReset(OffsetResetStrategy.EARLIEST)
                    .fromTopics(Topics.USERS);
            var record = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(
                    () -> consumed.getRecords().stream().filter(r -> userId.equals(r.key())).findFirst(),
                    java.util.Optional::isPresent).orElseThrow();
            consumed.close();

            assertThat(MessageCodec.decode(record.value(), UserEvent.class)).isEqualTo(event);
        }
    }

    private static String freshUser() {
        return "user-" + UUID.randomUUID();
    }
}
