package io.audiospective.api.repository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.model.ImportProgress;
import io.audiospective.support.sql.Db;

/**
 * Members' import jobs ({@code imports}): SENDING while api-service sends the upload's chunks, IMPORTING until the
 * worker reported every chunk, then DONE (or FAILED); UNDOING and UNDONE once the member undoes one.
 */
@ApplicationScoped
public class ImportRepository {

    /** Key space of the per-member upload locks (PostgreSQL advisory locks, two-int form): "IMUP". */
    private static final int MEMBER_LOCK_SPACE = 0x494D5550;

    /** A job's row; {@code skippedJson}, {@code rejectedJson} and {@code unmatchedJson} are its jsonb columns. */
    public record StoredImport(
            String id,
            String userId,
            String status,
            Instant createdAt,
            Instant finishedAt,
            List<String> files,
            long entriesRead,
            long playsSent,
            String skippedJson,
            String rejectedJson,
            int chunksSent,
            int chunksProcessed,
            long imported,
            long duplicates,
            long pendingMetadata,
            long failed,
            String unmatchedJson,
            long awaitingCatalogue,
            long withoutCatalogue,
            long removed,
            String error) {}

    private final Db db;

    ImportRepository(Db db) {
        this.db = db;
    }

    /** Serialises the member's uploads until the caller's transaction ends. */
    public void lockMemberUploads(String userId) {
        db.query("SELECT pg_advisory_xact_lock(?, hashtext(?))", rs -> null, MEMBER_LOCK_SPACE, userId);
    }

    /** A new job, SENDING; {@code skippedJson} and {@code rejectedJson} are JSON texts. */
    public void insertSending(
            String id,
            String userId,
            List<String> files,
            long entriesRead,
            long playsSent,
            String skippedJson,
            String rejectedJson) {
        db.update("""
                INSERT INTO imports (id, user_id, status, files, entries_read, plays_sent, skipped, rejected)
                VALUES (?, ?, 'SENDING', ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb))
                """, id, userId, files, entriesRead, playsSent, skippedJson, rejectedJson);
    }

    /** The member's jobs still being sent or imported. */
    public long countRunning(String userId) {
        return db.queryOne("""
                SELECT count(*) FROM imports WHERE user_id = ? AND status IN ('SENDING', 'IMPORTING')
                """, rs -> rs.getLong(1), userId).orElseThrow();
    }

    /**
     * Sending stopped after {@code chunksSent} chunks: the job FAILED with {@code error}, unless something else ended
     * its sending already. Returns the job when this ended it.
     */
    public List<StoredImport> failSending(String id, int chunksSent, String error) {
        return db.query("""
                UPDATE imports SET status = 'FAILED', chunks_sent = ?, finished_at = now(), error = ?
                WHERE id = ? AND status = 'SENDING'
                RETURNING *
                """, ImportRepository::storedImport, chunksSent, error, id);
    }

    /** Every chunk was sent: the job is IMPORTING (unless something else ended its sending). */
    public void markSent(String id, int chunksSent) {
        db.update(
                "UPDATE imports SET status = 'IMPORTING', chunks_sent = ? WHERE id = ? AND status = 'SENDING'",
                chunksSent,
                id);
    }

    /** The member's jobs SENDING since before {@code createdBefore} FAIL with {@code error}; returns them. */
    public List<StoredImport> failSendingSince(String userId, Instant createdBefore, String error) {
        return db.query("""
                UPDATE imports SET status = 'FAILED', finished_at = now(), error = ?
                WHERE user_id = ? AND status = 'SENDING' AND created_at < ?
                RETURNING *
                """, ImportRepository::storedImport, error, userId, createdBefore);
    }

    public Optional<StoredImport> find(String userId, String id) {
        return db.queryOne(
                "SELECT * FROM imports WHERE id = ? AND user_id = ?", ImportRepository::storedImport, id, userId);
    }

    /** The member's jobs, newest first. */
    public List<StoredImport> list(String userId, int limit) {
        return db.query(
                "SELECT * FROM imports WHERE user_id = ? ORDER BY created_at DESC, id LIMIT ?",
                ImportRepository::storedImport,
                userId,
                limit);
    }

    /**
     * The worker's totals, unless a later report was applied already; an undo's report makes the job UNDONE.
     * {@code unmatchedJson} is the JSON text of {@link ImportProgress#unmatched()}.
     */
    public void applyProgress(ImportProgress progress, String unmatchedJson) {
        db.update(
                """
                UPDATE imports SET worker_sequence = ?, chunks_processed = ?, imported = ?, duplicates = ?,
                    pending_metadata = ?, failed = ?, unmatched = CAST(? AS jsonb), awaiting_catalogue = ?,
                    without_catalogue = ?, removed = ?,
                    status = CASE WHEN ? THEN 'UNDONE' ELSE status END,
                    finished_at = CASE WHEN ? THEN now() ELSE finished_at END
                WHERE id = ? AND user_id = ? AND worker_sequence < ?
                """,
                progress.sequence(),
                progress.chunksProcessed(),
                progress.imported(),
                progress.duplicates(),
                progress.pendingMetadata(),
                progress.failed(),
                unmatchedJson,
                progress.awaitingCatalogue(),
                progress.withoutCatalogue(),
                progress.removed(),
                progress.undone(),
                progress.undone(),
                progress.importId(),
                progress.userId(),
                progress.sequence());
    }

    public void markUndoing(String userId, String id) {
        db.update("UPDATE imports SET status = 'UNDOING', finished_at = NULL WHERE id = ? AND user_id = ?", id, userId);
    }

    /**
     * An IMPORTING job whose chunks were all processed and whose plays all have their metadata is DONE; returns the
     * job when this made it DONE (a job already DONE, or not done yet: nothing).
     */
    public List<StoredImport> completeIfDone(String id) {
        return db.query("""
                UPDATE imports SET status = 'DONE', finished_at = now()
                WHERE id = ? AND status = 'IMPORTING' AND chunks_processed >= chunks_sent AND pending_metadata = 0
                RETURNING *
                """, ImportRepository::storedImport, id);
    }

    public void deleteOf(String userId) {
        db.update("DELETE FROM imports WHERE user_id = ?", userId);
    }

    private static StoredImport storedImport(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new StoredImport(
                rs.getString("id"),
                rs.getString("user_id"),
                rs.getString("status"),
                Db.instant(rs, "created_at"),
                Db.instant(rs, "finished_at"),
                Db.strings(rs, "files"),
                rs.getLong("entries_read"),
                rs.getLong("plays_sent"),
                rs.getString("skipped"),
                rs.getString("rejected"),
                rs.getInt("chunks_sent"),
                rs.getInt("chunks_processed"),
                rs.getLong("imported"),
                rs.getLong("duplicates"),
                rs.getLong("pending_metadata"),
                rs.getLong("failed"),
                rs.getString("unmatched"),
                rs.getLong("awaiting_catalogue"),
                rs.getLong("without_catalogue"),
                rs.getLong("removed"),
                rs.getString("error"));
    }
}
