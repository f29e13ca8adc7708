package io.audiospective.archive.repository;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.model.Topics;
import io.audiospective.support.sql.Db;

/**
 * The merge of imported entries into the archive: one statement per list of entries whatever its size, the
 * account-data entries' match by name, and the user's lock every merge runs under.
 */
@ApplicationScoped
public class ImportMergeRepository {

    /** An imported entry and a play already archived are the same play within this distance (see README). */
    public static final String MATCH_TOLERANCE = "10 seconds";
    /**
     * The same for rows of minute precision (account-data files), stored at minute + 30 s: 40 s either side covers
     * [minute - 10 s, minute + 70 s], the minute plus the usual tolerance.
     */
    public static final String MINUTE_TOLERANCE = "40 seconds";

    private final Db db;

    ImportMergeRepository(Db db) {
        this.db = db;
    }

    /** An entry to merge: the play it would be. */
    public record Entry(String userId, Instant playedAt, String trackId, long msPlayed) {}

    /** An account-data entry: names and the minute its stream ended in. */
    public record Named(Instant minute, String trackName, String artistName, long msPlayed) {}

    /** For one {@link Named} entry: whether the user already has that play, else the catalogue's track, if any. */
    public record NameMatch(boolean duplicate, String trackId) {}

    /** What {@link #merge} did with a list of entries. */
    public record Merged(
            long repeated,
            long known,
            long inserted,
            long pendingAdded,
            long unknown,
            long awaitingCatalogue,
            long withoutCatalogue,
            Set<Instant> insertedAt) {

        /**
         * Entries at the instant of an earlier entry of the list, entries with a known track that matched an archived
         * play, and unknown ones already pending.
         */
        public long duplicates() {
            return repeated + known - inserted + unknown - pendingAdded;
        }
    }

    /**
     * Turns off PostgreSQL's JIT compiler for the rest of the transaction: the merge's cost estimate (a range probe
     * per entry) is high enough to trigger JIT, whose compilation took longer than executing the whole merge.
     */
    public void withoutJit() {
        db.query("SELECT set_config('jit', 'off', true)", rs -> rs.getString(1));
    }

    /**
     * {@link #withoutJit} and, in the same round trip, the user's {@link UserArchiveLock} until commit: a chunk never
     * merges while a poll of the user archives a page or a retry of the same user's unmatched entries merges (each
     * would miss the other's new plays, so a play in both could be archived twice). Retries only try the lock
     * ({@link UnmatchedEntryRepository#lockRetriable}), so nothing waits in a cycle.
     */
    public void withoutJitLockingUser(String userId) {
        db.query(
                "SELECT set_config('jit', 'off', true) FROM (SELECT pg_advisory_xact_lock(?, hashtext(?))) l",
                rs -> rs.getString(1),
                UserArchiveLock.SPACE,
                userId);
    }

    /**
     * One statement for the whole merge: entries whose track the catalogue knows and that match no archived play
     * go into {@code play_events}, and into one outbox row; entries of unknown tracks wait in {@code
     * import_pending}; new plays of tracks known only from a file are queued to be published again once described.
     * <p>
     * Shaped so because a merge runs per chunk of thousands of entries: one round trip and nothing per row in Java,
     * instants as epoch microseconds (exact, cheap to bind), and the match as a LATERAL probe with LIMIT, one
     * primary-key range scan per entry, never a hash of the user's whole history (which an anti-join may choose,
     * making each chunk cost O(history)). No ON CONFLICT on {@code play_events}: its speculative insertion was a
     * fifth of the merge; the probe sees every committed play at the instant, the entries' instants are distinct, and
     * a play another transaction inserts at the same instant meanwhile fails this one, whose retry sees it.
     * Data-modifying CTEs run to completion whether the final SELECT reads them or not.
     */
    private static final String MERGE = """
            WITH e AS (
                SELECT timestamptz 'epoch' + u.micros * interval '1 microsecond' AS played_at, u.track_id,
                       u.ms_played, (SELECT t.metadata FROM tracks t WHERE t.id = u.track_id) AS metadata
                FROM unnest(CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS bigint[]))
                     AS u(micros, track_id, ms_played)),
            known AS (SELECT e.played_at, e.track_id, e.ms_played FROM e WHERE e.metadata IS NOT NULL),
            ins AS (
                INSERT INTO play_events (user_id, played_at, track_id, ms_played, source, import_id, minute_precision)
                SELECT ?, k.played_at, k.track_id, k.ms_played, 'IMPORT', ?, CAST(? AS boolean)
                FROM known k
                LEFT JOIN LATERAL (
                    SELECT 1 AS hit FROM play_events p
                    WHERE p.user_id = ?
                      AND p.played_at BETWEEN k.played_at - CAST(? AS interval) AND k.played_at + CAST(? AS interval)
                      -- a play at the very instant, whatever its track, is the same key: archived
                      AND (p.played_at = k.played_at
                           OR (p.track_id = k.track_id
                            AND (CAST(? AS boolean) OR p.minute_precision
                                 OR p.played_at BETWEEN k.played_at - CAST(? AS interval)
                                                    AND k.played_at + CAST(? AS interval)))
                           -- a minute-precision play was matched by name: the catalogue may hold the same
                           -- song under two ids (album and single), so names decide against it too
                           OR ((CAST(? AS boolean) OR p.minute_precision)
                               AND EXISTS (SELECT 1 FROM tracks pt JOIN tracks kt
                                             ON import_name_key(kt.name) = import_name_key(pt.name)
                                           JOIN track_artists pa ON pa.track_id = pt.id
                                           JOIN artists par ON par.id = pa.artist_id
                                           JOIN track_artists ka ON ka.track_id = kt.id
                                           JOIN artists kar ON kar.id = ka.artist_id
                                           WHERE pt.id = p.track_id AND kt.id = k.track_id
                                             AND import_name_key(kar.name) = import_name_key(par.name))))
                    LIMIT 1) m ON true
                WHERE m.hit IS NULL
                RETURNING played_at, track_id, ms_played),
            pending AS (
                INSERT INTO import_pending (user_id, played_at, track_id, ms_played, import_id)
                SELECT ?, e.played_at, e.track_id, e.ms_played, ? FROM e WHERE e.metadata IS NULL
                ON CONFLICT DO NOTHING
                RETURNING 1),
            -- new plays of tracks known only from a file: published again, complete, once Spotify described them
            described AS (SELECT i.played_at, i.track_id, i.ms_played, e.metadata
                          FROM ins i JOIN e ON e.played_at = i.played_at WHERE e.metadata <> 'SPOTIFY'),
            awaiting AS (
                INSERT INTO import_pending (user_id, played_at, track_id, ms_played, import_id, archived)
                SELECT ?, d.played_at, d.track_id, d.ms_played, ?, true FROM described d
                WHERE d.metadata = 'FILE'
                ON CONFLICT DO NOTHING
                RETURNING 1),
            -- one outbox row with the new plays: the relay builds their events from it and the catalogue
            published AS (
                INSERT INTO outbox (topic, message_key, import_id, played_ats, track_ids, ms_played, events)
                SELECT ?, ?, ?,
                       array_agg(CAST(extract(epoch FROM i.played_at) * 1000000 AS bigint)),
                       array_agg(i.track_id), array_agg(i.ms_played), count(*)
                FROM ins i HAVING count(*) > 0
                RETURNING events)
            SELECT (SELECT count(*) FROM known) AS known, (SELECT count(*) FROM e) AS entries,
                   (SELECT count(*) FROM pending) AS pending_added, (SELECT count(*) FROM ins) AS inserted,
                   (SELECT coalesce(sum(events), 0) FROM published) AS published,
                   CASE WHEN CAST(? AS boolean)
                        THEN (SELECT array_agg(CAST(extract(epoch FROM played_at) * 1000000 AS bigint)) FROM ins)
                   END AS inserted_at,
                   (SELECT count(*) FROM awaiting) AS awaiting,
                   (SELECT count(*) FROM described WHERE metadata = 'UNAVAILABLE') AS unavailable
            """;

    /**
     * The whole merge of one user's entries (see {@link #MERGE}). Match: same user, same track, {@code played_at}
     * within {@link #MATCH_TOLERANCE}; when either side has minute precision (account-data files, stored in the
     * middle of their minute) within {@link #MINUTE_TOLERANCE}, and "same track" also means same normalised track and
     * artist name, as the account-data side was found by name. An exact (user, played_at) clash with another track
     * also counts as archived, and so does an entry at the instant of an earlier entry of the list (one play per
     * instant: the key of {@code play_events}).
     *
     * @param minutePrecision the entries come from an account-data file (stored at minute + 30 s); then the result
     *        also says which {@code played_at} were inserted
     */
    public Merged merge(String importId, String userId, List<Entry> listed, boolean minutePrecision) {
        Set<Instant> instants = new HashSet<>();
        List<Entry> entries =
                listed.stream().filter(entry -> instants.add(entry.playedAt())).toList();
        long repeated = listed.size() - entries.size();
        if (entries.isEmpty()) {
            return new Merged(repeated, 0, 0, 0, 0, 0, 0, Set.of());
        }
        return db.queryOne(
                        MERGE,
                        rs -> {
                            long known = rs.getLong("known");
                            long inserted = rs.getLong("inserted");
                            if (rs.getLong("published") != inserted) {
                                throw new IllegalStateException("Import " + importId + ": " + inserted
                                        + " plays archived but " + rs.getLong("published") + " published");
                            }
                            Set<Instant> insertedAt = new HashSet<>();
                            java.sql.Array array = rs.getArray("inserted_at");
                            if (array != null) {
                                for (Long micros : (Long[]) array.getArray()) {
                                    insertedAt.add(EpochMicros.instant(micros));
                                }
                            }
                            return new Merged(
                                    repeated,
                                    known,
                                    inserted,
                                    rs.getLong("pending_added"),
                                    rs.getLong("entries") - known,
                                    rs.getLong("awaiting"),
                                    rs.getLong("unavailable"),
                                    insertedAt);
                        },
                        entries.stream().map(e -> EpochMicros.of(e.playedAt())).toArray(Long[]::new),
                        entries.stream().map(Entry::trackId).toArray(String[]::new),
                        entries.stream().map(Entry::msPlayed).toArray(Long[]::new),
                        userId,
                        importId,
                        minutePrecision,
                        userId,
                        MINUTE_TOLERANCE,
                        MINUTE_TOLERANCE,
                        minutePrecision,
                        MATCH_TOLERANCE,
                        MATCH_TOLERANCE,
                        minutePrecision,
                        userId,
                        importId,
                        userId,
                        importId,
                        Topics.PLAYS,
                        userId,
                        importId,
                        minutePrecision)
                .orElseThrow();
    }

    /**
     * Matches account-data entries by name (keys from {@code import_name_key}: NFKC, case-folded, whitespace
     * collapsed), in one statement per list, the entries bound as arrays. Duplicate: the user has a play whose track
     * has the same name and one of whose artists has the same name, with {@code played_at} in [minute - 10 s, minute
     * + 70 s). Otherwise the catalogue's track with that name and artist (the artist listed first wins, then the
     * smallest id), null when there is none. Results in the order of the entries.
     */
    public List<NameMatch> matchNames(String userId, List<Named> entries) {
        if (entries.isEmpty()) {
            return List.of();
        }
        return db.query(
                """
                WITH k AS (
                    SELECT ord, timestamptz 'epoch' + micros * interval '1 microsecond' AS minute,
                           import_name_key(track_name) AS tk, import_name_key(artist_name) AS ak
                    FROM unnest(CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS text[]))
                         WITH ORDINALITY AS e(micros, track_name, artist_name, ord))
                SELECT k.ord,
                       EXISTS (SELECT 1 FROM play_events p JOIN tracks t ON t.id = p.track_id
                               WHERE p.user_id = ?
                                 AND p.played_at >= k.minute - CAST(? AS interval)
                                 AND p.played_at < k.minute + interval '1 minute' + CAST(? AS interval)
                                 AND import_name_key(t.name) = k.tk
                                 AND EXISTS (SELECT 1 FROM track_artists ta JOIN artists ar ON ar.id = ta.artist_id
                                             WHERE ta.track_id = t.id AND import_name_key(ar.name) = k.ak))
                           AS duplicate,
                       (SELECT t.id FROM tracks t JOIN track_artists ta ON ta.track_id = t.id
                                JOIN artists ar ON ar.id = ta.artist_id
                        WHERE import_name_key(t.name) = k.tk AND import_name_key(ar.name) = k.ak
                        ORDER BY ta.position, t.id LIMIT 1) AS track_id
                FROM k ORDER BY k.ord
                """,
                rs -> new NameMatch(rs.getBoolean("duplicate"), rs.getString("track_id")),
                entries.stream().map(e -> EpochMicros.of(e.minute())).toArray(Long[]::new),
                entries.stream().map(Named::trackName).toArray(String[]::new),
                entries.stream().map(Named::artistName).toArray(String[]::new),
                userId,
                MATCH_TOLERANCE,
                MATCH_TOLERANCE);
    }
}
