package io.audiospective.systemtest;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.Topics;
import io.audiospective.model.TrackRef;
import io.audiospective.model.codec.MessageCodec;

/**
 * The fault harness's bad input: an import whose file holds impossible entries among true plays, and records on
 * {@code plays} that no consumer can apply (a play dated year 290000, bytes that are not JSON), written by a
 * producer that ignores the contract. The impossible entries must be skipped with their reason and the true plays
 * archived once; the records must be set aside alone, while the plays behind them on the same partition reach the
 * read model within {@link #SET_ASIDE_TARGET}.
 */
final class PoisonFaults {

    /** How long poison records may hold up the plays behind them. */
    static final Duration SET_ASIDE_TARGET = Duration.ofSeconds(30);
    /** api-service's consumer group of {@code plays}. */
    private static final String READ_MODEL_GROUP = "api-service-read-model";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FAR_FUTURE = "+290000-01-01T00:00:00Z";
    /** The impossible entries the poison import holds. */
    static final int INVALID_ENTRIES = 2;

    /** What became of the poison. */
    record Outcome(
            String importStatus,
            long importPlaysSent,
            Map<String, Long> importSkipped,
            int records,
            Duration setAsideAfter) {

        long invalidEntriesSkipped() {
            return importSkipped.entrySet().stream()
                    .filter(e -> e.getKey().startsWith("invalid"))
                    .mapToLong(Map.Entry::getValue)
                    .sum();
        }

        boolean handled() {
            return "DONE".equals(importStatus)
                    && invalidEntriesSkipped() == INVALID_ENTRIES
                    && setAsideAfter != null
                    && setAsideAfter.compareTo(SET_ASIDE_TARGET) < 0;
        }
    }

    private final LocalSystem system;
    private final String member;
    private final SpotifySignIn signIn;
    private final Consumer<String> say;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String token;
    private ArrayNode export;
    private String importId;
    private int records;
    private volatile Duration setAsideAfter;
    private Thread watcher;

    PoisonFaults(LocalSystem system, String member, SpotifySignIn signIn, Consumer<String> say) {
        this.system = system;
        this.member = member;
        this.signIn = signIn;
        this.say = say;
    }

    /**
     * Before the faults: the member signs in (the sign-in itself is not under test here, and Spotify's injected 5xx
     * may fail it) and downloads their own history as Spotify would export it, with two entries that cannot be true.
     */
    void prepare() throws Exception {
        token = signIn.signIn(member).orElseThrow(() -> new IllegalStateException("No API token for " + member));
        HttpResponse<String> history = http.send(
                HttpRequest.newBuilder(
                                system.emulator().url().resolve("/emulator/users/" + member + "/streaming-history"))
                        .timeout(Duration.ofMinutes(1))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        ArrayNode entries = (ArrayNode) JSON.readTree(history.body());
        if (entries.isEmpty()) {
            throw new IllegalStateException(member + " has no history to export");
        }
        ObjectNode farFuture = entries.get(0).deepCopy();
        farFuture.put("ts", FAR_FUTURE);
        ObjectNode negative = entries.get(entries.size() - 1).deepCopy();
        negative.put("ms_played", -1);
        entries.insert(entries.size() / 2, farFuture);
        entries.add(negative);
        export = entries;
    }

    /** The poisoned export uploaded as the member would. */
    void uploadImport() throws Exception {
        ArrayNode entries = export;
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(system.api()
                                .url()
                                .resolve("/api/v1/me/imports?name=Streaming_History_Audio_poison.json"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(entries)))
                        .timeout(Duration.ofMinutes(2))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IllegalStateException(
                    "The poison import answered " + response.statusCode() + ": " + response.body());
        }
        importId = JSON.readTree(response.body()).get("id").asText();
        say.accept("poison import " + importId + ": " + (entries.size() - INVALID_ENTRIES) + " true plays and "
                + INVALID_ENTRIES + " impossible entries");
    }

    /**
     * Two records keyed by the member, so they sit in front of that partition's plays: a play of year 290000 (its
     * JSON written by hand, as a producer ignoring the contract would) and bytes that are not JSON. A watcher then
     * times how long api-service's committed position takes to pass them.
     */
    void writeRecords() throws Exception {
        String planted = "2001-02-03T04:05:06Z";
        PlayEvent play = PlayEvent.polled(
                member,
                Instant.parse(planted),
                new TrackRef(
                        "0PoisonTrack0000000000",
                        "Poison",
                        180_000,
                        null,
                        new AlbumRef("0PoisonAlbum0000000000", "Poison", "2001", null),
                        List.of(new ArtistRef("0PoisonArtist000000000", "Poison"))));
        String json = new String(MessageCodec.encode(play), StandardCharsets.UTF_8);
        if (!json.contains(planted)) {
            throw new IllegalStateException("Unexpected play encoding: " + json);
        }
        List<byte[]> values = List.of(
                json.replace(planted, FAR_FUTURE).getBytes(StandardCharsets.UTF_8),
                "{\"schemaVersion\": 1, not JSON".getBytes(StandardCharsets.UTF_8));
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafkaBootstrap());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        TopicPartition partition = null;
        long last = -1;
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer())) {
            for (byte[] value : values) {
                RecordMetadata written = producer.send(new ProducerRecord<>(Topics.PLAYS, member, value))
                        .get();
                partition = new TopicPartition(written.topic(), written.partition());
                last = Math.max(last, written.offset());
            }
        }
        records = values.size();
        Instant writtenAt = Instant.now();
        TopicPartition watched = partition;
        long poisonOffset = last;
        watcher = new Thread(() -> watch(watched, poisonOffset, writtenAt), "poison-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Until api-service has committed past the poison records, or ten minutes. */
    private void watch(TopicPartition partition, long poisonOffset, Instant writtenAt) {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, system.kafkaBootstrap());
        try (Admin admin = Admin.create(properties)) {
            while (Duration.between(writtenAt, Instant.now()).compareTo(Duration.ofMinutes(10)) < 0) {
                try {
                    OffsetAndMetadata committed = admin.listConsumerGroupOffsets(READ_MODEL_GROUP)
                            .partitionsToOffsetAndMetadata()
                            .get()
                            .get(partition);
                    if (committed != null && committed.offset() > poisonOffset) {
                        setAsideAfter = Duration.between(writtenAt, Instant.now());
                        say.accept(String.format(
                                "poison records on %s passed by the read model after %.1f s",
                                partition, setAsideAfter.toMillis() / 1000.0));
                        return;
                    }
                } catch (ExecutionException e) {
                    // the broker is down for a while in this run: ask again
                }
                Thread.sleep(250);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The import job as the member sees it, and how quickly the records were set aside. */
    Outcome outcome() throws Exception {
        if (watcher != null) {
            watcher.interrupt();
        }
        if (importId == null) {
            return new Outcome("NOT UPLOADED", 0, Map.of(), records, setAsideAfter);
        }
        // the faults are over; the token from before them may have expired (API tokens live 15 minutes)
        token = signIn.signIn(member).orElseThrow(() -> new IllegalStateException("No API token for " + member));
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(system.api().url().resolve("/api/v1/me/imports/" + importId))
                        .header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "The poison import's job answered " + response.statusCode() + ": " + response.body());
        }
        JsonNode job = JSON.readTree(response.body());
        Map<String, Long> skipped = new TreeMap<>();
        job.path("skipped")
                .fields()
                .forEachRemaining(e -> skipped.put(e.getKey(), e.getValue().asLong()));
        return new Outcome(
                job.path("status").asText("UNKNOWN"), job.path("playsSent").asLong(), skipped, records, setAsideAfter);
    }
}
