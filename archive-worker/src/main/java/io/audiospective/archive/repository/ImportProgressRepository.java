package io.audiospective.archive.repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.audiospective.model.ImportProgress;
import io.audiospective.support.sql.Db;

/** An import's totals ({@code import_counts}), each change returned as the next progress report. */
@ApplicationScoped
public class ImportProgressRepository {

    /** The columns {@link #progress} reads, as the statements changing a row of {@code import_counts} return them. */
    static final String PROGRESS_COLUMNS = """
            version, chunks, imported, duplicates, pending, failed, CAST(unmatched AS text) AS unmatched,
            awaiting_catalogue, without_catalogue, undone, removed""";

    private static final ObjectMapper COUNTS = new ObjectMapper();

    private final Db db;

    ImportProgressRepository(Db db) {
        this.db = db;
    }

    /**
     * A change of an import's totals.
     *
     * @param awaitingCatalogue plays archived under the file's names that Spotify has still to describe
     * @param withoutCatalogue plays archived that keep the file's names because Spotify does not know their track
     */
    public record Counts(
            int chunks,
            long imported,
            long duplicates,
            long pending,
            long failed,
            Map<String, Long> unmatched,
            long awaitingCatalogue,
            long withoutCatalogue) {

        public static Counts of(int chunks, long imported, long duplicates, long pending, long failed) {
            return new Counts(chunks, imported, duplicates, pending, failed, Map.of(), 0, 0);
        }

        public Counts withUnmatched(Map<String, Long> byReason) {
            return new Counts(
                    chunks, imported, duplicates, pending, failed, byReason, awaitingCatalogue, withoutCatalogue);
        }

        public Counts withCatalogue(long awaiting, long without) {
            return new Counts(chunks, imported, duplicates, pending, failed, unmatched, awaiting, without);
        }
    }

    /**
     * Adds to an import's totals and returns them as the next progress report. One upsert: the first change of an
     * import creates its row; later ones add to it under the row lock, the unmatched counts (jsonb, by reason)
     * summed reason by reason, and the version grows by one, so a consumer keeps the newest report.
     */
    public ImportProgress addCounts(String importId, String userId, Counts delta) {
        return db.queryOne(
                        """
                        INSERT INTO import_counts AS c (import_id, user_id, version, chunks, imported, duplicates,
                                                        pending, failed, unmatched, awaiting_catalogue,
                                                        without_catalogue)
                        VALUES (?, ?, 1, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?, ?)
                        ON CONFLICT (import_id) DO UPDATE SET version = c.version + 1,
                            chunks = c.chunks + EXCLUDED.chunks, imported = c.imported + EXCLUDED.imported,
                            duplicates = c.duplicates + EXCLUDED.duplicates, pending = c.pending + EXCLUDED.pending,
                            failed = c.failed + EXCLUDED.failed,
                            awaiting_catalogue = c.awaiting_catalogue + EXCLUDED.awaiting_catalogue,
                            without_catalogue = c.without_catalogue + EXCLUDED.without_catalogue,
                            unmatched = (SELECT coalesce(jsonb_object_agg(reason, n), '{}')
                                         FROM (SELECT reason, sum(CAST(n AS bigint)) AS n
                                               FROM (SELECT * FROM jsonb_each_text(c.unmatched)
                                                     UNION ALL SELECT * FROM jsonb_each_text(EXCLUDED.unmatched))
                                                    AS u(reason, n)
                                               GROUP BY reason) AS s)
                        RETURNING\s""" + PROGRESS_COLUMNS,
                        rs -> progress(importId, userId, rs),
                        importId,
                        userId,
                        delta.chunks(),
                        delta.imported(),
                        delta.duplicates(),
                        delta.pending(),
                        delta.failed(),
                        json(delta.unmatched()),
                        delta.awaitingCatalogue(),
                        delta.withoutCatalogue())
                .orElseThrow();
    }

    /** A report from a row of {@code import_counts} read as {@link #PROGRESS_COLUMNS}. */
    static ImportProgress progress(String importId, String userId, ResultSet rs) throws SQLException {
        return new ImportProgress(
                ImportProgress.CURRENT_VERSION,
                importId,
                userId,
                rs.getLong("version"),
                rs.getInt("chunks"),
                rs.getLong("imported"),
                rs.getLong("duplicates"),
                rs.getLong("pending"),
                rs.getLong("failed"),
                parseCounts(rs.getString("unmatched")),
                rs.getLong("awaiting_catalogue"),
                rs.getLong("without_catalogue"),
                rs.getBoolean("undone"),
                rs.getLong("removed"));
    }

    private static String json(Map<String, Long> counts) {
        try {
            return COUNTS.writeValueAsString(counts);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Long> parseCounts(String json) {
        try {
            return COUNTS.readValue(json, new TypeReference<TreeMap<String, Long>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
