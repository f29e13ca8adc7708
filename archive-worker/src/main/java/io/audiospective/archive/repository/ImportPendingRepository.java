package io.audiospective.archive.repository;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.archive.repository.ImportMergeRepository.Entry;
import io.audiospective.model.Topics;
import io.audiospective.support.sql.Db;

/**
 * Imported entries waiting for Spotify's description of their track ({@code import_pending}): entries not archived
 * yet because their file does not name the track, and archived plays of tracks known only from a file, published
 * again once the track is described ({@code catalogue_described}).
 */
@ApplicationScoped
public class ImportPendingRepository {

    private final Db db;

    ImportPendingRepository(Db db) {
        this.db = db;
    }

    /** An entry not archived yet, of an import. */
    public record PendingEntry(String importId, Entry entry) {}

    /** Archived plays of tracks described since they were archived, taken out of {@code import_pending}. */
    public record Described(
            String userId, String importId, Instant playedAt, String trackId, long msPlayed, boolean unavailable) {}

    /** How many entries of one import waited for a track Spotify does not know. */
    public record FailedEntries(String importId, String userId, long count) {}

    /**
     * Tracks that entries not archived yet (their file does not name the track) wait for and that the catalogue
     * still lacks.
     */
    public List<String> missingTracks(int limit) {
        return db.query("""
                SELECT DISTINCT p.track_id FROM import_pending p
                WHERE NOT p.archived AND NOT EXISTS (SELECT 1 FROM tracks t WHERE t.id = p.track_id)
                ORDER BY p.track_id LIMIT ?
                """, rs -> rs.getString("track_id"), limit);
    }

    /**
     * Entries not archived yet whose track is in the catalogue now (as Spotify describes it), locked so that other
     * replicas take others.
     */
    public List<PendingEntry> lockResolvable(int limit) {
        return db.query(
                """
                SELECT p.user_id, CAST(extract(epoch FROM p.played_at) * 1000000 AS bigint) AS played_at, p.track_id,
                       p.ms_played, p.import_id
                FROM import_pending p
                WHERE NOT p.archived
                  AND EXISTS (SELECT 1 FROM tracks t WHERE t.id = p.track_id AND t.metadata = 'SPOTIFY')
                ORDER BY p.import_id LIMIT ? FOR UPDATE OF p SKIP LOCKED
                """,
                rs -> new PendingEntry(
                        rs.getString("import_id"),
                        new Entry(
                                rs.getString("user_id"),
                                EpochMicros.instant(rs.getLong("played_at")),
                                rs.getString("track_id"),
                                rs.getLong("ms_played"))),
                limit);
    }

    /**
     * Takes the archived plays waiting for the {@code tracks} tracks described longest ago ({@code
     * catalogue_described}, locked with SKIP LOCKED so replicas take different tracks) out of {@code import_pending};
     * a track leaves the queue once it was described more than {@code settle} ago, so plays a merge archived while it
     * still saw the track as FILE are taken by a later round. One statement: the queue's rows stay locked between
     * taking the plays and settling the tracks, and data-modifying CTEs run whether the final SELECT reads them or
     * not.
     */
    public List<Described> takeDescribed(int tracks, Duration settle) {
        return db.query(
                """
                WITH q AS (SELECT track_id, described_at FROM catalogue_described ORDER BY described_at
                           LIMIT ? FOR UPDATE SKIP LOCKED),
                taken AS (DELETE FROM import_pending p USING q WHERE p.track_id = q.track_id AND p.archived
                          RETURNING p.user_id, p.import_id, p.played_at, p.track_id, p.ms_played),
                settled AS (DELETE FROM catalogue_described c USING q
                            WHERE c.track_id = q.track_id
                              AND q.described_at < now() - CAST(? AS bigint) * interval '1 millisecond')
                SELECT t.user_id, t.import_id, CAST(extract(epoch FROM t.played_at) * 1000000 AS bigint) AS played_at,
                       t.track_id, t.ms_played, k.metadata = 'UNAVAILABLE' AS unavailable
                FROM taken t JOIN tracks k ON k.id = t.track_id
                """,
                rs -> new Described(
                        rs.getString("user_id"),
                        rs.getString("import_id"),
                        EpochMicros.instant(rs.getLong("played_at")),
                        rs.getString("track_id"),
                        rs.getLong("ms_played"),
                        rs.getBoolean("unavailable")),
                tracks,
                settle.toMillis());
    }

    /**
     * Queues archived plays to be published on {@code plays} again: one outbox row, whose events the relay builds
     * from the catalogue as it is then.
     */
    public void republish(String userId, String importId, List<Entry> plays) {
        db.update(
                """
                INSERT INTO outbox (topic, message_key, import_id, played_ats, track_ids, ms_played, events)
                VALUES (?, ?, ?, CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS bigint[]), ?)
                """,
                Topics.PLAYS,
                userId,
                importId,
                plays.stream().map(e -> EpochMicros.of(e.playedAt())).toArray(Long[]::new),
                plays.stream().map(Entry::trackId).toArray(String[]::new),
                plays.stream().map(Entry::msPlayed).toArray(Long[]::new),
                plays.size());
    }

    /** Takes entries about to be merged out of the queue. */
    public void deletePending(List<Entry> entries) {
        db.update(
                """
                DELETE FROM import_pending p
                USING unnest(CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS text[])) AS e(u, micros, t)
                WHERE p.user_id = e.u AND p.played_at = timestamptz 'epoch' + e.micros * interval '1 microsecond'
                  AND p.track_id = e.t
                """,
                entries.stream().map(Entry::userId).toArray(String[]::new),
                entries.stream().map(e -> EpochMicros.of(e.playedAt())).toArray(Long[]::new),
                entries.stream().map(Entry::trackId).toArray(String[]::new));
    }

    /**
     * Spotify does not know the track: its entries that could not be archived (their file does not name it) leave
     * the queue. Returns how many each import had, to be counted as failed.
     */
    public List<FailedEntries> failTrack(String trackId) {
        List<FailedEntries> failed = db.query(
                """
                SELECT import_id, min(user_id) AS user_id, count(*) AS entries FROM import_pending
                WHERE track_id = ? AND NOT archived
                GROUP BY import_id
                """,
                rs -> new FailedEntries(rs.getString("import_id"), rs.getString("user_id"), rs.getLong("entries")),
                trackId);
        db.update("DELETE FROM import_pending WHERE track_id = ? AND NOT archived", trackId);
        return failed;
    }
}
