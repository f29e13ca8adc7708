package io.audiospective.archive.repository;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.model.ImportChunk;
import io.audiospective.model.ImportProgress;
import io.audiospective.model.Topics;
import io.audiospective.support.sql.Db;

/** Imports as jobs: which chunks were archived, which imports were undone, the undo, and a deleted member's purge. */
@ApplicationScoped
public class ImportJobRepository {

    private final Db db;

    ImportJobRepository(Db db) {
        this.db = db;
    }

    /** Claims chunks; returns those not archived before (not redeliveries), each once, in the order given. */
    public List<ImportChunk> claimChunks(List<ImportChunk> chunks) {
        Map<String, ImportChunk> byKey = new LinkedHashMap<>();
        chunks.forEach(chunk -> byKey.putIfAbsent(key(chunk.importId(), chunk.sequence()), chunk));
        List<ImportChunk> distinct = List.copyOf(byKey.values());
        Set<String> claimed = new HashSet<>(db.query(
                """
                INSERT INTO import_chunks_done (import_id, sequence)
                SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS int[]))
                ON CONFLICT DO NOTHING
                RETURNING import_id, sequence
                """,
                rs -> key(rs.getString("import_id"), rs.getInt("sequence")),
                distinct.stream().map(ImportChunk::importId).toArray(String[]::new),
                distinct.stream().map(ImportChunk::sequence).toArray(Integer[]::new)));
        return distinct.stream()
                .filter(chunk -> claimed.contains(key(chunk.importId(), chunk.sequence())))
                .toList();
    }

    private static String key(String importId, int sequence) {
        return importId + "#" + sequence;
    }

    /** The imports among these that were undone: their chunks change nothing any more. */
    public Set<String> undone(Collection<String> importIds) {
        return new HashSet<>(db.query(
                "SELECT import_id FROM import_counts WHERE undone AND import_id = ANY(?)",
                rs -> rs.getString("import_id"),
                importIds));
    }

    /**
     * Undoes an import in one statement: its plays leave {@code play_events} (only that import's: a polled play or
     * another import's play is never touched), with its waiting and unmatched entries and its events not published
     * yet; one outbox row lists the removed plays so that consumers drop them; the import is marked undone (its
     * chunks are ignored from now on). A repeated undo removes nothing more. Requires the user's merge lock.
     * <p>
     * One statement so that the removal and its outbox row commit together with the mark, whatever the size of the
     * import; the upsert creates the counts of an import undone before any of its chunks arrived.
     *
     * @return the import's totals after the undo
     */
    public ImportProgress undo(String importId, String userId) {
        return db.queryOne(
                        """
                        WITH gone AS (
                            DELETE FROM play_events WHERE user_id = ? AND import_id = ? AND source = 'IMPORT'
                            RETURNING played_at, track_id, ms_played),
                        waiting AS (DELETE FROM import_pending WHERE user_id = ? AND import_id = ?),
                        unmatched AS (DELETE FROM import_unmatched WHERE user_id = ? AND import_id = ?),
                        unpublished AS (DELETE FROM outbox WHERE message_key = ? AND import_id = ? AND NOT removed),
                        removal AS (
                            INSERT INTO outbox (topic, message_key, import_id, played_ats, track_ids, ms_played, events,
                                                removed)
                            SELECT ?, ?, ?,
                                   array_agg(CAST(extract(epoch FROM g.played_at) * 1000000 AS bigint)),
                                   array_agg(g.track_id), array_agg(g.ms_played), count(*), true
                            FROM gone g HAVING count(*) > 0)
                        INSERT INTO import_counts AS c (import_id, user_id, version, undone, removed)
                        VALUES (?, ?, 1, true, (SELECT count(*) FROM gone))
                        ON CONFLICT (import_id) DO UPDATE SET version = c.version + 1, undone = true,
                            removed = c.removed + EXCLUDED.removed, pending = 0, awaiting_catalogue = 0,
                            unmatched = '{}'
                        RETURNING\s""" + ImportProgressRepository.PROGRESS_COLUMNS,
                        rs -> ImportProgressRepository.progress(importId, userId, rs),
                        userId,
                        importId,
                        userId,
                        importId,
                        userId,
                        importId,
                        userId,
                        importId,
                        Topics.PLAYS,
                        userId,
                        importId,
                        importId,
                        userId)
                .orElseThrow();
    }

    /** Deletes everything the imports hold of a deleted member: their imports' chunks, counts and entries. */
    public void purge(String userId) {
        db.update("""
                DELETE FROM import_chunks_done
                WHERE import_id IN (SELECT import_id FROM import_counts WHERE user_id = ?)
                """, userId);
        db.update("DELETE FROM import_pending WHERE user_id = ?", userId);
        db.update("DELETE FROM import_unmatched WHERE user_id = ?", userId);
        db.update("DELETE FROM import_counts WHERE user_id = ?", userId);
    }
}
