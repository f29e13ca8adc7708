package io.audiospective.systemtest;

import static io.audiospective.systemtest.SystemCalls.JSON;
import static io.audiospective.systemtest.SystemCalls.answers;
import static io.audiospective.systemtest.SystemCalls.archived;
import static io.audiospective.systemtest.SystemCalls.await;
import static io.audiospective.systemtest.SystemCalls.get;
import static io.audiospective.systemtest.SystemCalls.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

import io.audiospective.model.TopicSpec;
import io.audiospective.model.Topics;

/**
 * The archive heals a lost topic (issue 24): members are polled live until their plays are archived and counted by
 * api-service; then archive-worker republishes the whole archive into an empty topic, and a second api-service with a
 * fresh database of its own, reading only that topic, ends with the same read model: every member's statistics
 * equal the first one's, and its plays equal the archive.
 */
class PlaysRebuildSystemTest {

    private static final List<String> MEMBERS = List.of("heavy-1-1", "typical-1-1");
    private static final List<String> STATS = List.of(
            "/api/v1/me/stats/summary?period=all",
            "/api/v1/me/stats/top/tracks?period=all",
            "/api/v1/me/stats/top/artists?period=all",
            "/api/v1/me/stats/top/albums?period=all",
            "/api/v1/me/stats/clock?period=all",
            "/api/v1/me/stats/streaks?period=all");

    /** The second api-service, reading only the republished topic. */
    private static final String REBUILT = "api-service-rebuilt";

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aFreshReadModelFedFromTheArchiveRepublishedIntoAnEmptyTopicEqualsTheOldOne() throws Exception {
        try (LocalSystem system = LocalSystem.start(new LocalSystem.Options(
                Duration.ofSeconds(30), Duration.ofSeconds(5), 1, 5, Map.of(), Map.of(), Map.of()))) {
            long started = System.nanoTime();
            SpotifySignIn signIn = new SpotifySignIn(system.auth().url());
            for (String member : MEMBERS) {
                signIn.signIn(member).orElseThrow(() -> new AssertionError("the sign-in of " + member));
                Awaitility.await()
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> system.pollNow(member));
            }
            // polled until every member has plays archived and all of them counted; then no more polls, so both
            // read models can be compared at rest
            for (String member : MEMBERS) {
                await("archived plays of " + member, Duration.ofMinutes(2), () -> archived(system, member) > 0);
            }
            system.kill(system.scheduler());
            Map<String, Long> archive = new LinkedHashMap<>();
            for (String member : MEMBERS) {
                String token = system.memberToken(member);
                await("every archived play of " + member + " counted", Duration.ofMinutes(2), () -> {
                    long archived = archived(system, member);
                    return get(system.api().url(), token, STATS.get(0))
                                            .get("plays")
                                            .asLong()
                                    == archived
                            && archived(system, member) == archived;
                });
                archive.put(member, archived(system, member));
            }
            Map<String, Map<String, String>> before = new LinkedHashMap<>();
            for (String member : MEMBERS) {
                before.put(member, answers(system.api().url(), system.memberToken(member), STATS));
            }

            // an empty topic as plays is declared, and a second read model that reads only it
            String topic = "plays-rebuild-" + UUID.randomUUID().toString().substring(0, 8);
            createLike(system, Topics.PLAYS, topic);
            ServiceProcess fresh = system.startSeparateApi(REBUILT, Map.of("MP_MESSAGING_INCOMING_PLAYS_TOPIC", topic));

            HttpResponse<String> requested = send(
                    system.workers().get(0).url(),
                    system.adminToken(),
                    "POST",
                    "/admin/republish",
                    JSON.createObjectNode().put("topic", topic).toString());
            assertThat(requested.statusCode()).as(requested.body()).isEqualTo(202);
            long job = JSON.readTree(requested.body()).get("id").asLong();
            JsonNode done = await("the republish done", Duration.ofMinutes(2), () -> {
                JsonNode current = get(system.workers().get(0).url(), system.adminToken(), "/admin/republish/" + job);
                assertThat(current.get("state").asText()).isNotEqualTo("FAILED");
                return "DONE".equals(current.get("state").asText()) ? current : null;
            });
            long total = archive.values().stream().mapToLong(Long::longValue).sum();
            assertThat(done.get("published").asLong()).isGreaterThanOrEqualTo(total);

            for (String member : MEMBERS) {
                String token = system.memberToken(member);
                Map<String, String> rebuilt =
                        await("the rebuilt statistics of " + member, Duration.ofMinutes(2), () -> {
                            Map<String, String> answers = answers(fresh.url(), token, STATS);
                            return answers.equals(before.get(member)) ? answers : null;
                        });
                assertThat(rebuilt).isEqualTo(before.get(member));
                assertThat(difference(system, fresh, member))
                        .as("plays of %s in the rebuilt read model and not in the archive, and the reverse", member)
                        .isZero();
            }
            // and it read them from the republished topic alone (its plays group committed there, nowhere else)
            List<String> read = await("the rebuilt read model's committed offsets", Duration.ofMinutes(1), () -> {
                List<String> topics = committedTopics(system, REBUILT + "-plays");
                return topics.isEmpty() ? null : topics;
            });
            assertThat(read).containsOnly(topic);
            System.out.printf(
                    "PLAYS REBUILD SYSTEM TEST: %s archived plays republished onto the empty topic %s (%d written);"
                            + " a fresh api-service reading only it answers %d statistics of %d members exactly as"
                            + " the old read model; %d s%n",
                    archive,
                    topic,
                    done.get("published").asLong(),
                    STATS.size(),
                    MEMBERS.size(),
                    (System.nanoTime() - started) / 1_000_000_000);
        }
    }

    /** Creates {@code topic} with the partitions and configuration the local broker gives {@code model}. */
    private static void createLike(LocalSystem system, String model, String topic) throws Exception {
        TopicSpec spec = TopicSpec.named(model).orElseThrow();
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafkaBootstrap());
        try (Admin admin = Admin.create(properties)) {
            admin.createTopics(
                            List.of(new NewTopic(topic, TopicSpec.localPartitions(), (short) 1).configs(spec.config())))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /** The topics of the partitions a consumer group committed offsets on. */
    private static List<String> committedTopics(LocalSystem system, String group) throws Exception {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafkaBootstrap());
        try (Admin admin = Admin.create(properties)) {
            return admin
                    .listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS)
                    .keySet()
                    .stream()
                    .map(TopicPartition::topic)
                    .distinct()
                    .toList();
        }
    }

    /** Plays of the member in the archive and not in the rebuilt read model's active generation, plus the reverse. */
    private long difference(LocalSystem system, ServiceProcess fresh, String member) throws Exception {
        int generation = get(fresh.url(), system.adminToken(), "/api/v1/admin/overview")
                .get("readModelGeneration")
                .asInt();
        List<String> rebuilt = new ArrayList<>();
        try (Connection db = system.openSeparateDatabase(REBUILT);
                PreparedStatement query = db.prepareStatement("SELECT CAST(played_at AS text) FROM "
                        + (generation == 0 ? "api.plays" : "api.plays_g" + generation) + " WHERE user_id = ?")) {
            query.setString(1, member);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    rebuilt.add(rs.getString(1));
                }
            }
        }
        try (Connection db = system.openDatabase();
                PreparedStatement query = db.prepareStatement(
                        "SELECT CAST(played_at AS text) FROM archive.play_events WHERE user_id = ? ORDER BY 1")) {
            query.setString(1, member);
            List<String> archive = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    archive.add(rs.getString(1));
                }
            }
            List<String> onlyArchive = new ArrayList<>(archive);
            onlyArchive.removeAll(rebuilt);
            List<String> onlyRebuilt = new ArrayList<>(rebuilt);
            onlyRebuilt.removeAll(archive);
            return onlyArchive.size() + onlyRebuilt.size();
        }
    }
}
