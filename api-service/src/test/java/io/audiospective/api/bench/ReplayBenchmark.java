package io.audiospective.api.bench;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import io.agroal.api.AgroalDataSource;
import io.audiospective.api.service.ReplayService;
import io.audiospective.api.service.ReplayService.Replay;
import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.Topics;
import io.audiospective.model.TrackRef;
import io.audiospective.model.codec.MessageCodec;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Not a test: a benchmark, run on demand with
 * {@code ../mvnw verify -Dbenchmark=true -Dtest=ReplayBenchmark [-Dreplay.members=100 -Dreplay.plays=5000]}. Puts
 * {@code members × plays} plays on {@code plays} (three years per member, 40,000 tracks by 4,000 artists, every track
 * unknown to the new generation), then prints, in one run, a plain Kafka consumer reading the whole topic (the limit)
 * and a replay from the topic's start to its switch-over, and the database's limit for writing as many plays once
 * ({@code COPY}).
 */
@QuarkusTest
@TestProfile(ReplayBenchmark.LiveConsumerOff.class)
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class ReplayBenchmark {

    private static final int MEMBERS = Integer.getInteger("replay.members", 100);
    private static final int PLAYS = Integer.getInteger("replay.plays", 5_000);

    /**
     * The live consumer is off, as an idle one caught up with the topic would be: the plays put on the topic here
     * are the history the replay rebuilds, not new traffic.
     */
    public static class LiveConsumerOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.messaging.incoming.plays.enabled", "false");
        }
    }

    @Inject
    ReplayService replays;

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void benchmark() {
        long produced = produce();
        long onTopic = topicSize();

        long plainStarted = System.nanoTime();
        long read = readPlainly();
        double plainRate = read / ((System.nanoTime() - plainStarted) / 1e9);

        double copyRate = copyLimit(onTopic);

        Replay started = replays.start().replay();
        long replayStarted = System.nanoTime();
        Replay done = await().atMost(Duration.ofHours(1))
                .pollInterval(Duration.ofSeconds(2))
                .until(
                        () -> {
                            Replay now = replays.find(started.generation()).orElseThrow();
                            System.out.printf(
                                    "REPLAY BENCHMARK progress: %s, %,d records, lag %s%n",
                                    now.state(), now.records(), now.lag());
                            return now;
                        },
                        now -> !now.state().equals("RUNNING"));
        double seconds = (System.nanoTime() - replayStarted) / 1e9;
        if (!done.state().equals("COMPLETED")) {
            throw new IllegalStateException("The replay ended " + done.state() + ": " + done.detail());
        }
        System.out.printf(
                "REPLAY BENCHMARK: %,d plays on the topic (%,d put on it by this run: %d members x %,d plays over three"
                        + " years, 40,000 tracks; the new generation empty); replay from offset 0 to switch-over"
                        + " %.1f s = %,.0f plays/s; a plain KafkaConsumer reading the same topic %,.0f records/s;"
                        + " ratio %.2f; raw COPY of as many plays into one table with the plays' key %,.0f rows/s"
                        + " (%.2f of the consumer)%n",
                onTopic,
                produced,
                MEMBERS,
                PLAYS,
                seconds,
                onTopic / seconds,
                plainRate,
                onTopic / seconds / plainRate,
                copyRate,
                copyRate / plainRate);
    }

    /**
     * The database's limit for the replay's first step: {@code rows} plays of the same shape (members, three years,
     * 40,000 tracks) written once by {@code COPY} into an empty table with only the plays' primary key, as the bulk
     * load writes them, and nothing derived from them.
     */
    private double copyLimit(long rows) {
        String table = "copy_limit_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection connection = dataSource.getConnection()) {
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("CREATE TABLE " + table + " (LIKE plays INCLUDING DEFAULTS)");
                ddl.execute("ALTER TABLE " + table + " ADD PRIMARY KEY (user_id, played_at)");
            }
            CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
            Random random = new Random(7);
            long started = System.nanoTime();
            long written = 0;
            for (int m = 0; written < rows; m++) {
                StringBuilder csv = new StringBuilder();
                Instant at = Instant.parse("2023-01-01T07:00:00Z").plusSeconds(random.nextInt(86_400));
                long step = Duration.ofDays(3 * 365).toSeconds() / PLAYS;
                for (int i = 0; i < PLAYS && written < rows; i++, written++) {
                    TrackRef track = track(random.nextInt(40_000));
                    ArtistRef artist = track.artists().get(0);
                    csv.append("copy-limit-").append(m).append(',').append(at).append(',');
                    csv.append(track.id()).append(',').append(track.name()).append(',');
                    csv.append(track.album().id())
                            .append(',')
                            .append(track.album().name())
                            .append(',');
                    csv.append("{")
                            .append(artist.id())
                            .append("},\"{")
                            .append(artist.name())
                            .append("}\",");
                    csv.append(track.durationMs()).append(",POLL\n");
                    at = at.plusSeconds(1 + random.nextLong(2 * step));
                }
                copy.copyIn(
                        "COPY " + table + " (user_id, played_at, track_id, track_name, album_id, album_name,"
                                + " artist_ids, artist_names, ms_played, source) FROM STDIN (FORMAT csv)",
                        new StringReader(csv.toString()));
            }
            double rate = written / ((System.nanoTime() - started) / 1e9);
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("DROP TABLE " + table);
            }
            return rate;
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("COPY into " + table + " failed", e);
        }
    }

    private long produce() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Random random = new Random(7);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        long count = 0;
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (int m = 0; m < MEMBERS; m++) {
                String user = "replay-bench-" + run + "-" + m;
                Instant at = Instant.parse("2023-01-01T07:00:00Z").plusSeconds(random.nextInt(86_400));
                long step = Duration.ofDays(3 * 365).toSeconds() / PLAYS;
                for (int i = 0; i < PLAYS; i++) {
                    PlayEvent play = PlayEvent.polled(user, at, track(random.nextInt(40_000)));
                    producer.send(new ProducerRecord<>(Topics.PLAYS, user, MessageCodec.encode(play)));
                    at = at.plusSeconds(1 + random.nextLong(2 * step));
                    count++;
                }
            }
            producer.flush();
        }
        return count;
    }

    private static TrackRef track(int n) {
        int artist = n % 4_000;
        return new TrackRef(
                "rb-t" + n,
                "Track " + n,
                120_000 + n % 120_000,
                null,
                new AlbumRef("rb-al" + n / 10, "Album " + n / 10, "2020", null),
                List.of(new ArtistRef("rb-ar" + artist, "Artist " + artist)));
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "replay-bench-plain-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer) {
        return consumer.partitionsFor(Topics.PLAYS).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
    }

    private long topicSize() {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer);
            Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions);
            return consumer.endOffsets(partitions).entrySet().stream()
                    .mapToLong(end -> end.getValue() - begins.get(end.getKey()))
                    .sum();
        }
    }

    /** The limit: every record of the topic read from its start by one consumer, nothing done with it. */
    private long readPlainly() {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = new ArrayList<>(partitions(consumer));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long read = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                read += consumer.poll(Duration.ofMillis(500)).count();
            }
            return read;
        }
    }
}
