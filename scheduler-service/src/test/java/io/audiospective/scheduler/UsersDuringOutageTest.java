package io.audiospective.scheduler;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.audiospective.model.Topics;
import io.audiospective.model.UserEventType;
import io.audiospective.scheduler.repository.ScheduledUserRepository;
import io.audiospective.testing.TcpForwarder;
import io.audiospective.testing.UnreachableInfrastructure;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * A member registered while PostgreSQL is unreachable is not dead-lettered, however many attempts fail: the
 * {@code users} consumer holds its position and schedules the member once the database is back.
 */
@QuarkusTest
@TestProfile(UsersDuringOutageTest.CuttableDatabase.class)
class UsersDuringOutageTest {

    private final List<TcpForwarder> forwarders = new ArrayList<>();
    private TcpForwarder postgres;

    @Inject
    ScheduledUserRepository users;

    @BeforeEach
    void connect() throws IOException {
        postgres = forward("postgres");
        forwarders.add(postgres);
        forwarders.add(forward("redis"));
        forwarders.add(forward("kafka"));
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> given().when()
                        .get("/q/health/ready")
                        .then()
                        .statusCode(200)
                        .body("status", equalTo("UP")));
    }

    @AfterEach
    void closeForwarders() {
        forwarders.forEach(TcpForwarder::close);
    }

    @Test
    void aMemberRegisteredDuringADatabaseOutageIsScheduledOnceItEnds() {
        String kafka = target("kafka");
        String userId = "outage-" + UUID.randomUUID();
        postgres.interrupt();

        TestMessages.userEvent(kafka, userId, UserEventType.REGISTERED, Instant.now());

        // retries every second at most (profile): dozens of failed attempts, none of them sets the record aside
        try (KafkaCompanion companion = new KafkaCompanion(kafka)) {
            var deadLetters = companion
                    .consume(String.class, byte[].class)
                    .withGroupId("outage-check-" + userId)
                    .withOffsetReset(OffsetResetStrategy.EARLIEST)
                    .fromTopics(Topics.deadLetter(Topics.USERS));
            await().during(Duration.ofSeconds(20))
                    .atMost(Duration.ofSeconds(25))
                    .until(() -> deadLetters.getRecords().stream().noneMatch(r -> userId.equals(r.key())));
            postgres.restore();

            await().atMost(Duration.ofSeconds(60)).until(() -> status(userId).isPresent());
            assertThat(status(userId)).contains(ScheduleStatus.ACTIVE);
            assertThat(deadLetters.getRecords()).noneMatch(r -> userId.equals(r.key()));
            deadLetters.close();
        }
    }

    private Optional<ScheduleStatus> status(String userId) {
        return QuarkusTransaction.requiringNew()
                .call(() -> users.findByIdOptional(userId).map(user -> user.status));
    }

    private static String target(String dependency) {
        return ConfigProvider.getConfig().getValue("audiospective.test.target." + dependency, String.class);
    }

    private static TcpForwarder forward(String dependency) throws IOException {
        int port = ConfigProvider.getConfig().getValue("audiospective.test.port." + dependency, Integer.class);
        String[] target = target(dependency).split(":");
        return TcpForwarder.start(port, target[0], Integer.parseInt(target[1]));
    }

    public static class CuttableDatabase implements QuarkusTestProfile {

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(UnreachableInfrastructure.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "audiospective.schema-migration.retry-interval",
                    "1s",
                    "audiospective.consumers.retry.max-delay",
                    "1s");
        }
    }
}
