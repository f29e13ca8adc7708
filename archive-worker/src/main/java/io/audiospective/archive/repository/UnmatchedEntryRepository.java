package io.audiospective.archive.repository;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.archive.repository.ImportMergeRepository.Named;
import io.audiospective.support.sql.Db;

/**
 * Account-data entries that matched no track ({@code import_unmatched}), kept until a track with their names enters
 * the catalogue, then flagged and retried.
 */
@ApplicationScoped
public class UnmatchedEntryRepository {

    private final Db db;

    UnmatchedEntryRepository(Db db) {
        this.db = db;
    }

    /** A flagged entry taken for a retry, with its row id, import and user. */
    public record UnmatchedEntry(long id, String importId, String userId, Named entry) {}

    /** Keeps account-data entries that matched no track, with the reason. */
    public void addUnmatched(String importId, String userId, List<Named> entries, String reason) {
        if (entries.isEmpty()) {
            return;
        }
        db.update(
                """
                INSERT INTO import_unmatched (import_id, user_id, ended_at, track_name, artist_name, ms_played, reason)
                SELECT ?, ?, timestamptz 'epoch' + micros * interval '1 microsecond', t, a, ms, ?
                FROM unnest(CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[]))
                     AS e(micros, t, a, ms)
                """,
                importId,
                userId,
                reason,
                entries.stream().map(e -> EpochMicros.of(e.minute())).toArray(Long[]::new),
                entries.stream().map(Named::trackName).toArray(String[]::new),
                entries.stream().map(Named::artistName).toArray(String[]::new),
                entries.stream().map(Named::msPlayed).toArray(Long[]::new));
    }

    /**
     * Flags the unmatched entries (of {@code reason}) that the next {@code tracks} tracks added to the catalogue match
     * by name (the track's name key and one of its artists' name key) and moves the cursor past those tracks, in one
     * statement: each new track is compared once, through an index, never with the whole table. Only tracks added at
     * least {@code settle} ago are taken: by then the transaction that added a track, and any that kept entries
     * without seeing it, have committed. The cursor row is locked with SKIP LOCKED: one replica at a time moves it,
     * the others do nothing.
     *
     * @return how many tracks were compared; fewer than {@code tracks} when the cursor caught up (or was locked)
     */
    public int flagRetriable(int tracks, Duration settle, String reason) {
        return db.queryOne("""
                        WITH c AS MATERIALIZED (SELECT added_at, track_id FROM import_unmatched_cursor
                                                FOR UPDATE SKIP LOCKED),
                        batch AS MATERIALIZED (
                            -- the cursor as scalars: a row comparison with a parameter is an index condition, a join
                            -- is not
                            SELECT t.added_at, t.id, import_name_key(t.name) AS tk FROM tracks t
                            WHERE (t.added_at, t.id) > ((SELECT added_at FROM c), (SELECT track_id FROM c))
                              AND t.added_at <= now() - CAST(? AS bigint) * interval '1 millisecond'
                            ORDER BY t.added_at, t.id LIMIT ?),
                        -- data-modifying CTEs run to completion whether the final SELECT reads them or not
                        flag AS (
                            UPDATE import_unmatched u SET retry = true
                            FROM (SELECT DISTINCT b.tk, import_name_key(ar.name) AS ak
                                  FROM batch b JOIN track_artists ta ON ta.track_id = b.id
                                  JOIN artists ar ON ar.id = ta.artist_id) n
                            WHERE NOT u.retry AND u.reason = ? AND u.track_key = n.tk
                              AND import_name_key(u.artist_name) = n.ak),
                        moved AS (
                            UPDATE import_unmatched_cursor SET added_at = l.added_at, track_id = l.id
                            FROM (SELECT added_at, id FROM batch ORDER BY added_at DESC, id DESC LIMIT 1) l)
                        SELECT count(*) FROM batch
                        """, rs -> rs.getInt(1), settle.toMillis(), tracks, reason)
                .orElseThrow();
    }

    /**
     * Up to {@code limit} flagged unmatched entries, oldest first, locked (FOR UPDATE SKIP LOCKED), of users whose
     * merge lock (see {@link ImportMergeRepository#withoutJitLockingUser}) this transaction got, at most {@code users}
     * of them: two replicas never retry one user's entries at once, and a user with a chunk in progress waits for a
     * later round. One statement so that only the users whose lock was got are read.
     */
    public List<UnmatchedEntry> lockRetriable(int users, int limit) {
        return db.query(
                """
                WITH mine AS (
                    SELECT user_id FROM (SELECT DISTINCT user_id FROM import_unmatched WHERE retry) d
                    WHERE pg_try_advisory_xact_lock(?, hashtext(user_id))
                    LIMIT ?)
                SELECT u.id, u.import_id, u.user_id, u.ended_at, u.track_name, u.artist_name, u.ms_played
                FROM import_unmatched u
                WHERE u.retry AND u.user_id IN (SELECT user_id FROM mine)
                ORDER BY u.id LIMIT ?
                FOR UPDATE OF u SKIP LOCKED
                """,
                rs -> new UnmatchedEntry(
                        rs.getLong("id"),
                        rs.getString("import_id"),
                        rs.getString("user_id"),
                        new Named(
                                Db.instant(rs, "ended_at"),
                                rs.getString("track_name"),
                                rs.getString("artist_name"),
                                rs.getLong("ms_played"))),
                UserArchiveLock.SPACE,
                users,
                limit);
    }

    public void deleteUnmatched(List<Long> ids) {
        db.update(
                "DELETE FROM import_unmatched WHERE id = ANY(CAST(? AS bigint[]))", (Object) ids.toArray(Long[]::new));
    }
}
