package io.audiospective.archive;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.audiospective.archive.service.UserPoller;
import io.audiospective.model.ArchiveBatch;
import io.audiospective.model.BatchReason;
import io.audiospective.model.ImportChunk;
import io.audiospective.model.ImportEntry;
import io.audiospective.model.Topics;
import io.audiospective.model.codec.MessageCodec;
import io.audiospective.support.sql.Db;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;

/**
 * Imports as api-service sends them, and what the worker made of them: shared by {@link ImportTest} and the import
 * benchmark ({@code bench}).
 */
@ApplicationScoped
public class ImportFixtures {

    public static final Duration WAIT = Duration.ofSeconds(180);
    /** Entries per chunk, as api-service sends them (at most 5,000, fewer when they carry long names). */
    public static final int CHUNK = 5_000;

    @Inject
    Db db;

    @Inject
    UserPoller poller;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private KafkaCompanion kafka;

    @PostConstruct
    void open() {
        kafka = new KafkaCompanion(bootstrapServers);
    }

    @PreDestroy
    void close() {
        kafka.close();
    }

    /** A fresh id part, so a run never meets the rows of an earlier one. */
    public static String run() {
        return "r" + UUID.randomUUID().toString().substring(0, 6);
    }

    public static ImportEntry entry(Instant endedAt, String trackId) {
        return new ImportEntry(
                endedAt, 180_000, "spotify:track:" + trackId, null, null, null, "trackdone", "trackdone", false, false);
    }

    /** An import's chunks as api-service sends them, encoded. */
    public static List<ProducerRecord<String, byte[]>> records(
            String importId, String user, List<ImportEntry> entries) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        int chunks = (entries.size() + CHUNK - 1) / CHUNK;
        for (int c = 0; c < chunks; c++) {
            ImportChunk chunk = new ImportChunk(
                    1,
                    importId,
                    user,
                    c,
                    c == chunks - 1,
                    entries.subList(c * CHUNK, Math.min(entries.size(), (c + 1) * CHUNK)));
            records.add(new ProducerRecord<>(Topics.IMPORTS, user, MessageCodec.encode(chunk)));
        }
        return records;
    }

    /** @return how many chunks were sent */
    public int send(String importId, String user, List<ImportEntry> entries) {
        return send(records(importId, user, entries));
    }

    public int send(List<ProducerRecord<String, byte[]>> records) {
        kafka.produce(String.class, byte[].class).fromRecords(records).awaitCompletion(WAIT);
        return records.size();
    }

    public long outboxRowsOf(String user) {
        return QuarkusTransaction.requiringNew()
                .call(() -> ((Number) db.queryOne(
                                        "SELECT count(*) FROM outbox WHERE message_key = ?",
                                        rs -> rs.getObject(1),
                                        user)
                                .orElse(null))
                        .longValue());
    }

    /** The import's counts once all its chunks are archived and nothing waits for the catalogue. */
    public Map<String, Number> awaitDone(String importId, int chunks) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            Map<String, Number> c = counts(importId);
            return c != null
                    && c.get("chunks").intValue() == chunks
                    && c.get("pending").longValue() == 0;
        });
        return counts(importId);
    }

    @SuppressWarnings("unchecked")
    public Map<String, Number> counts(String importId) {
        List<Object[]> rows = QuarkusTransaction.requiringNew()
                .call(() -> db.query(
                        "SELECT chunks, imported, duplicates, pending, failed FROM import_counts WHERE import_id = ?",
                        Rows::all,
                        importId));
        if (rows.isEmpty()) {
            return null;
        }
        Object[] r = rows.get(0);
        return Map.of(
                "chunks",
                (Number) r[0],
                "imported",
                (Number) r[1],
                "duplicates",
                (Number) r[2],
                "pending",
                (Number) r[3],
                "failed",
                (Number) r[4]);
    }

    /** The user's archived plays, oldest first: {played_at (Instant), track_id}. */
    @SuppressWarnings("unchecked")
    public List<Object[]> playsOf(String user) {
        List<Object[]> rows = QuarkusTransaction.requiringNew()
                .call(() -> db.query(
                        "SELECT played_at, track_id FROM play_events WHERE user_id = ? ORDER BY played_at",
                        Rows::all,
                        user));
        rows.forEach(r -> r[0] = r[0] instanceof java.sql.Timestamp t
                ? t.toInstant()
                : r[0] instanceof java.time.OffsetDateTime o ? o.toInstant() : r[0]);
        return rows;
    }

    /** Tracks the catalogue has (written by an earlier test or run, else by a poll now). */
    @SuppressWarnings("unchecked")
    public List<String> catalogueTracks(int count) {
        List<String> ids = QuarkusTransaction.requiringNew()
                .call(() ->
                        db.query("SELECT id FROM tracks ORDER BY added_at DESC LIMIT ?", rs -> rs.getString(1), count));
        if (ids.size() == count) {
            return ids;
        }
        String user = Emulator.createUsers(run() + "cat", "heavy", 1).get(0);
        poller.poll(ArchiveBatch.of("b-" + run(), Instant.now(), BatchReason.MANUAL, List.of(user)), user);
        return playsOf(user).stream()
                .map(r -> (String) r[1])
                .distinct()
                .limit(count)
                .toList();
    }

    /** Tracks the emulator knows and the catalogue does not yet. */
    @SuppressWarnings("unchecked")
    public List<String> tracksNotInCatalogue(int count) {
        List<String> ids = given().when()
                .get(Emulator.url() + "/emulator/catalogue?offset=" + (int) (Math.random() * 20_000) + "&limit=1000")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("track_ids");
        List<String> known = QuarkusTransaction.requiringNew()
                .call(() -> db.query("SELECT id FROM tracks WHERE id = ANY(?)", rs -> rs.getString(1), ids));
        return ids.stream().filter(id -> !known.contains(id)).limit(count).toList();
    }
}
