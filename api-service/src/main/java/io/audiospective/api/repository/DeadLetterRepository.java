package io.audiospective.api.repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.support.sql.Db;

/** The dead letters of every topic ({@code dead_letters}), as collected from the {@code .dlq} topics. */
@ApplicationScoped
public class DeadLetterRepository {

    /** One dead letter; {@code headersJson} holds the record's own headers. */
    public record Stored(
            String dlqTopic,
            int dlqPartition,
            long dlqOffset,
            String sourceTopic,
            Integer sourcePartition,
            Long sourceOffset,
            String key,
            byte[] payload,
            String headersJson,
            String reason,
            String reasonCode,
            String kind,
            Instant deadLetteredAt) {}

    /** Which pending dead letters: of a source topic, optionally one reason code, optionally one source record. */
    public record Selection(String sourceTopic, String reasonCode, Integer sourcePartition, Long sourceOffset) {}

    private final Db db;

    DeadLetterRepository(Db db) {
        this.db = db;
    }

    /** Stores a dead letter unless it was collected before. */
    public void insert(Stored letter) {
        db.update(
                """
                INSERT INTO dead_letters (dlq_topic, dlq_partition, dlq_offset, source_topic, source_partition,
                    source_offset, record_key, payload, headers, reason, reason_code, kind, dead_lettered_at)
                VALUES (?, ?, ?, ?, CAST(? AS integer), CAST(? AS bigint), CAST(? AS text), CAST(? AS bytea),
                    CAST(? AS jsonb), ?, ?, CAST(? AS text), ?)
                ON CONFLICT DO NOTHING
                """,
                letter.dlqTopic(),
                letter.dlqPartition(),
                letter.dlqOffset(),
                letter.sourceTopic(),
                letter.sourcePartition(),
                letter.sourceOffset(),
                letter.key(),
                letter.payload(),
                letter.headersJson(),
                letter.reason(),
                letter.reasonCode(),
                letter.kind(),
                letter.deadLetteredAt());
    }

    /** Dead letters not re-driven yet, by source topic and reason code. */
    public Map<String, Map<String, Long>> pendingCounts() {
        Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
        db.query(
                """
                SELECT source_topic, reason_code, count(*) FROM dead_letters WHERE redriven_at IS NULL
                GROUP BY source_topic, reason_code ORDER BY source_topic, reason_code
                """,
                rs -> counts.computeIfAbsent(rs.getString(1), topic -> new LinkedHashMap<>())
                        .put(rs.getString(2), rs.getLong(3)));
        return counts;
    }

    /** Up to {@code limit} pending dead letters of the selection, oldest first. */
    public List<Stored> pending(Selection selection, int limit) {
        return db.query(
                pendingSql(selection) + " ORDER BY dead_lettered_at, dlq_partition, dlq_offset LIMIT " + limit,
                DeadLetterRepository::stored,
                parameters(selection));
    }

    /**
     * Up to {@code limit} pending dead letters of the selection, locked until the caller's transaction ends; rows
     * another re-drive holds are skipped, so two re-drives never send the same record.
     */
    public List<Stored> lockPending(Selection selection, int limit) {
        return db.query(
                pendingSql(selection) + " ORDER BY dead_lettered_at, dlq_partition, dlq_offset LIMIT " + limit
                        + " FOR UPDATE SKIP LOCKED",
                DeadLetterRepository::stored,
                parameters(selection));
    }

    public void markRedriven(Stored letter, Instant at) {
        db.update("""
                UPDATE dead_letters SET redriven_at = ?
                WHERE dlq_topic = ? AND dlq_partition = ? AND dlq_offset = ?
                """, at, letter.dlqTopic(), letter.dlqPartition(), letter.dlqOffset());
    }

    /** Forgets the dead letters keyed by {@code key} (a deleted member's id keys their plays and events). */
    public void deleteKeyed(String key) {
        db.update("DELETE FROM dead_letters WHERE record_key = ?", key);
    }

    private static String pendingSql(Selection selection) {
        StringBuilder sql = new StringBuilder("""
                SELECT dlq_topic, dlq_partition, dlq_offset, source_topic, source_partition, source_offset, record_key,
                    payload, headers::text AS headers, reason, reason_code, kind, dead_lettered_at
                FROM dead_letters WHERE redriven_at IS NULL AND source_topic = ?""");
        if (selection.reasonCode() != null) {
            sql.append(" AND reason_code = ?");
        }
        if (selection.sourcePartition() != null) {
            sql.append(" AND source_partition = ? AND source_offset = ?");
        }
        return sql.toString();
    }

    private static Object[] parameters(Selection selection) {
        List<Object> parameters = new ArrayList<>();
        parameters.add(selection.sourceTopic());
        if (selection.reasonCode() != null) {
            parameters.add(selection.reasonCode());
        }
        if (selection.sourcePartition() != null) {
            parameters.add(selection.sourcePartition());
            parameters.add(selection.sourceOffset());
        }
        return parameters.toArray();
    }

    private static Stored stored(ResultSet rs) throws SQLException {
        return new Stored(
                rs.getString("dlq_topic"),
                rs.getInt("dlq_partition"),
                rs.getLong("dlq_offset"),
                rs.getString("source_topic"),
                (Integer) rs.getObject("source_partition"),
                (Long) rs.getObject("source_offset"),
                rs.getString("record_key"),
                rs.getBytes("payload"),
                rs.getString("headers"),
                rs.getString("reason"),
                rs.getString("reason_code"),
                rs.getString("kind"),
                Db.instant(rs, "dead_lettered_at"));
    }
}
