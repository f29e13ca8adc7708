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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.Topics;
import io.audiospective.model.TrackRef;
import io.audiospective.model.codec.MessageCodec;

/**
 * A replay across two api-service processes (issue 24), while members are polled live: a replay requested on each
 * replica is one replay, built by one of them; that builder is killed with SIGKILL half-way; the other replica takes
 * the replay over, resumes the same generation from its committed offsets and switches over; afterwards every member
 * gets the same statistics as from the incremental read model before the replay, and the polled members' read model
 * holds exactly their archive.
 */
class ReplayTakeoverSystemTest {

    private static final List<String> POLLED = List.of("typical-1-1", "heavy-1-1");
    private static final int MEMBERS = 12;
    private static final int PLAYS_PER_MEMBER = 250;
    private static final List<String> STATS = List.of(
            "/api/v1/me/stats/summary?period=all",
            "/api/v1/me/stats/top/tracks?period=all",
            "/api/v1/me/stats/top/artists?period=all",
            "/api/v1/me/stats/clock?period=all",
            "/api/v1/me/stats/streaks?period=all");

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aReplayWhoseBuilderIsKilledIsFinishedByTheOtherReplica() throws Exception {
        Map<String, String> apiEnvironment = Map.of(
                // small batches: the replay lasts long enough to be killed half-way
                "AUDIOSPECTIVE_API_REPLAY_BATCH_SIZE", "10",
                "AUDIOSPECTIVE_API_REPLAY_LEASE", "PT5S",
                "AUDIOSPECTIVE_API_REPLAY_CHECK_INTERVAL", "PT1S");
        try (LocalSystem system = LocalSystem.start(new LocalSystem.Options(
                Duration.ofSeconds(30),
                Duration.ofSeconds(5),
                1,
                5,
                Map.of(),
                Map.of(),
                Map.of(),
                LocalSystem.Profile.TEST,
                2,
                apiEnvironment))) {
            ServiceProcess first = system.apis().get(0);
            ServiceProcess second = system.apis().get(1);
            long started = System.nanoTime();

            // live polling: members signed in through the real OAuth flow, polled every 30 s from now on
            SpotifySignIn signIn = new SpotifySignIn(system.auth().url());
            for (String member : POLLED) {
                signIn.signIn(member).orElseThrow(() -> new AssertionError("the sign-in of " + member));
                Awaitility.await()
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> system.pollNow(member));
            }
            // and a history on plays large enough for the replay to take a while
            String run = UUID.randomUUID().toString().substring(0, 8);
            List<String> members = new ArrayList<>();
            for (int i = 0; i < MEMBERS; i++) {
                members.add("replay-member-" + run + "-" + i);
            }
            publishHistories(system, members);
            for (String member : members) {
                String token = system.memberToken(member);
                await("the plays of " + member, Duration.ofMinutes(2), () -> {
                    JsonNode summary = get(first.url(), token, STATS.get(0));
                    return summary.get("plays").asInt() == PLAYS_PER_MEMBER ? summary : null;
                });
            }
            Map<String, Map<String, String>> before = new LinkedHashMap<>();
            for (String member : members.subList(0, 5)) {
                before.put(member, answers(first.url(), system.memberToken(member), STATS));
            }

            // a replay requested on each replica is one replay, built by the first
            String admin = system.adminToken();
            HttpResponse<String> onFirst = send(first.url(), admin, "POST", "/api/v1/admin/replays", null);
            assertThat(onFirst.statusCode()).as(onFirst.body()).isEqualTo(202);
            JsonNode replay = JSON.readTree(onFirst.body());
            int generation = replay.get("generation").asInt();
            String builder = replay.get("owner").asText();
            assertThat(builder).contains("/" + first.pid() + "/");
            HttpResponse<String> onSecond = send(second.url(), admin, "POST", "/api/v1/admin/replays", null);
            assertThat(onSecond.statusCode()).as(onSecond.body()).isEqualTo(200);
            JsonNode seen = JSON.readTree(onSecond.body());
            assertThat(seen.get("generation").asInt()).isEqualTo(generation);
            assertThat(seen.get("owner").asText()).isEqualTo(builder);

            // half-way: records applied and a lag left
            JsonNode halfWay = await("the replay half-way", Duration.ofMinutes(2), () -> {
                JsonNode current = get(second.url(), system.adminToken(), "/api/v1/admin/replays/" + generation);
                return current.get("records").asLong() > 0
                                && !current.get("lag").isNull()
                                && current.get("lag").asLong() > 0
                        ? current
                        : null;
            });
            system.kill(first);
            long recordsAtKill = halfWay.get("records").asLong();
            long lagAtKill = halfWay.get("lag").asLong();

            JsonNode done = await("the replay finished by the second replica", Duration.ofMinutes(2), () -> {
                JsonNode current = get(second.url(), system.adminToken(), "/api/v1/admin/replays/" + generation);
                assertThat(current.get("state").asText()).isIn("RUNNING", "COMPLETED");
                return "COMPLETED".equals(current.get("state").asText()) ? current : null;
            });
            assertThat(done.get("owner").asText()).contains("/" + second.pid() + "/");
            assertThat(done.get("takeovers").asInt()).isEqualTo(1);
            assertThat(done.get("records").asLong()).isGreaterThan(recordsAtKill);
            assertThat(get(second.url(), system.adminToken(), "/api/v1/admin/overview")
                            .get("readModelGeneration")
                            .asInt())
                    .isEqualTo(generation);

            for (Map.Entry<String, Map<String, String>> member : before.entrySet()) {
                assertThat(answers(second.url(), system.memberToken(member.getKey()), STATS))
                        .as("the statistics of " + member.getKey() + " after the replay")
                        .isEqualTo(member.getValue());
            }
            // the polled members' plays, polled before, during and after the replay, are all in the new generation
            Map<String, Long> compared =
                    await("the polled members' read model equal to the archive", Duration.ofMinutes(1), () -> {
                        Map<String, Long> counts = new LinkedHashMap<>();
                        for (String member : POLLED) {
                            long missing = countDifference(system, member, generation);
                            if (missing != 0) {
                                return null;
                            }
                            counts.put(member, archived(system, member));
                        }
                        return counts;
                    });
            System.out.printf(
                    "REPLAY TAKEOVER SYSTEM TEST: generation %d, %d records applied when the builder was killed (lag"
                            + " %d), %d in all after the takeover; statistics of %d members equal; polled members'"
                            + " plays %s equal to the archive; %d s%n",
                    generation,
                    recordsAtKill,
                    lagAtKill,
                    done.get("records").asLong(),
                    before.size(),
                    compared,
                    (System.nanoTime() - started) / 1_000_000_000);
        }
    }

    /** {@code PLAYS_PER_MEMBER} plays of each member, an hour apart, written onto plays as archive-worker does. */
    private static void publishHistories(LocalSystem system, List<String> members) throws Exception {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafkaBootstrap());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        Instant from = Instant.parse("2025-01-01T00:00:00Z");
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer())) {
            for (String member : members) {
                for (int i = 0; i < PLAYS_PER_MEMBER; i++) {
                    int track = Math.floorMod(i * 7 + member.hashCode(), 40);
                    int artist = Math.floorMod(track, 9);
                    PlayEvent play = PlayEvent.polled(
                            member,
                            from.plusSeconds(3_600L * i + 60L * (i % 11)),
                            new TrackRef(
                                    id("t", track),
                                    "Track " + track,
                                    150_000 + 1_000 * track,
                                    null,
                                    new AlbumRef(id("b", track / 4), "Album " + track / 4, "2020", null),
                                    List.of(new ArtistRef(id("a", artist), "Artist " + artist))));
                    producer.send(new ProducerRecord<>(Topics.PLAYS, member, MessageCodec.encode(play)));
                }
            }
            producer.flush();
        }
    }

    /** A Spotify-shaped id (22 characters) of the item. */
    private static String id(String kind, int n) {
        return "0Replay" + kind + String.format("%03d", Math.floorMod(n, 1000)) + "00000000000";
    }

    /** Plays of the member in the archive and not in the generation, plus the reverse. */
    private static long countDifference(LocalSystem system, String member, int generation) throws Exception {
        String plays = generation == 0 ? "api.plays" : "api.plays_g" + generation;
        String sql = """
                SELECT count(*) FROM (
                  (SELECT played_at FROM archive.play_events WHERE user_id = ?
                   EXCEPT SELECT played_at FROM %1$s WHERE user_id = ?)
                  UNION ALL
                  (SELECT played_at FROM %1$s WHERE user_id = ?
                   EXCEPT SELECT played_at FROM archive.play_events WHERE user_id = ?)) d
                """.formatted(plays);
        try (Connection db = system.openDatabase();
                PreparedStatement query = db.prepareStatement(sql)) {
            for (int i = 1; i <= 4; i++) {
                query.setString(i, member);
            }
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
