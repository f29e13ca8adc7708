package io.audiospective.archive.imports;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.audiospective.archive.repository.UserArchiveLock;
import io.audiospective.model.ImportChunk;
import io.audiospective.model.ImportProgress;
import io.audiospective.model.Topics;

/** Set-based SQL of imports: one statement per step whatever the number of entries. */
@ApplicationScoped
public class ImportRepository {

    /** An imported entry and a play already archived are the same play within this distance (see README). */
    public static final String MATCH_TOLERANCE = "10 seconds";
    /**
     * The same for rows of minute precision (account-data files), stored at minute + 30 s: 40 s either side covers
     * [minute - 10 s, minute + 70 s], the minute plus the usual tolerance.
     */
    public static final String MINUTE_TOLERANCE = "40 seconds";

    private static final com.fasterxml.jackson.databind.ObjectMapper COUNTS =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private final EntityManager entityManager;

    ImportRepository(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** Deletes everything the imports hold of a deleted member: their imports' chunks, counts and entries. */
    public void purge(String userId) {
        entityManager.createNativeQuery("""
                DELETE FROM import_chunks_done
                WHERE import_id IN (SELECT import_id FROM import_counts WHERE user_id = ?1)
                """).setParameter(1, userId).executeUpdate();
        for (String table : List.of("import_pending", "import_unmatched", "import_counts")) {
            entityManager
                    .createNativeQuery("DELETE FROM " + table + " WHERE user_id = ?1")
                    .setParameter(1, userId)
                    .executeUpdate();
        }
    }

    /** Claims chunks; returns those not archived before (not redeliveries), each once, in the order given. */
    @SuppressWarnings("unchecked")
    public List<ImportChunk> claimChunks(List<ImportChunk> chunks) {
        Map<String, ImportChunk> byKey = new LinkedHashMap<>();
        chunks.forEach(chunk -> byKey.putIfAbsent(chunk.importId() + "#" + chunk.sequence(), chunk));
        List<ImportChunk> distinct = List.copyOf(byKey.values());
        List<Object[]> claimed = entityManager
                .createNativeQuery("""
                INSERT INTO import_chunks_done (import_id, sequence)
                SELECT * FROM unnest(CAST(:importIds AS text[]), CAST(:sequences AS int[]))
                ON CONFLICT DO NOTHING
                RETURNING import_id, sequence
                """)
                .setParameter(
                        "importIds",
                        distinct.stream().map(ImportChunk::importId).toArray(String[]::new))
                .setParameter(
                        "sequences",
                        distinct.stream().map(ImportChunk::sequence).toArray(Integer[]::new))
                .getResultList();
        java.util.Set<String> keys = new java.util.HashSet<>();
        claimed.forEach(row -> keys.add(row[0] + "#" + row[1]));
        return distinct.stream()
                .filter(chunk -> keys.contains(chunk.importId() + "#" + chunk.sequence()))
                .toList();
    }

    /**
     * Turns off PostgreSQL's JIT compiler for the rest of the transaction: the merge's cost estimate (a range probe
     * per entry) is high enough to trigger JIT, whose compilation took longer than executing the whole merge.
     */
    public void withoutJit() {
        entityManager.createNativeQuery("SELECT set_config('jit', 'off', true)").getSingleResult();
    }

    /**
     * {@link #withoutJit} and, in the same round trip, the user's {@link UserArchiveLock} until commit: a chunk never
     * merges while a poll of the user archives a page or a retry of the same user's unmatched entries merges (each
     * would miss the other's new plays, so a play in both could be archived twice). Retries only try the lock, so nothing waits in a cycle.
     */
    public void withoutJitLockingUser(String userId) {
        entityManager
                .createNativeQuery("""
                SELECT set_config('jit', 'off', true) FROM (SELECT pg_advisory_xact_lock(:space, hashtext(:userId))) l
                """)
                .setParameter("space", UserArchiveLock.SPACE)
                .setParameter("userId", userId)
                .getSingleResult();
    }

    /** What {@link #merge} did with a list of entries. */
    public record Merged(
            long repeated,
            long known,
            long inserted,
            long pendingAdded,
            long unknown,
            long awaitingCatalogue,
            long withoutCatalogue,
            java.util.Set<java.time.Instant> insertedAt) {

        /**
         * Entries at the instant of an earlier entry of the list, entries with a known track that matched an archived
         * play, and unknown ones already pending.
         */
        public long duplicates() {
            return repeated + known - inserted + unknown - pendingAdded;
        }
    }

    /**
     * The whole merge of one user's entries in ONE statement (one round trip, nothing per row in Java): entries whose
     * track the catalogue knows and that match no archived play are inserted into {@code play_events} (rule below)
     * and, in the same statement, listed in one outbox row (instants, tracks, ms played: the relay builds their
     * events, see {@code OutboxRepository}); entries of unknown tracks are parked in {@code import_pending}.
     * <p>
     * Match: same user, same track, {@code played_at} within {@link #MATCH_TOLERANCE}; when either side has minute
     * precision (account-data files, stored in the middle of their minute) within {@link #MINUTE_TOLERANCE}, and
     * "same track" also means same normalised track and artist name, as the account-data side was found by name. An
     * exact (user, played_at) clash with another track also counts as archived, and so does an entry at the instant
     * of an earlier entry of the list (one play per instant: the key of {@code play_events}).
     *
     * @param minutePrecision the entries come from an account-data file (stored at minute + 30 s); then the result
     *        also says which {@code played_at} were inserted
     */
    @SuppressWarnings("unchecked")
    public Merged merge(String importId, String userId, List<Entry> listed, boolean minutePrecision) {
        java.util.Set<java.time.Instant> instants = new java.util.HashSet<>();
        List<Entry> entries =
                listed.stream().filter(entry -> instants.add(entry.playedAt())).toList();
        long repeated = listed.size() - entries.size();
        if (entries.isEmpty()) {
            return new Merged(repeated, 0, 0, 0, 0, 0, 0, java.util.Set.of());
        }
        Object[] row = (Object[]) entityManager
                .createNativeQuery("""
                WITH e AS (
                    -- played_at as epoch microseconds: exact, and much cheaper to bind and parse than timestamps
                    -- and each entry's track looked up once: known (merge, and how it is described) or not
                    -- (pending)
                    SELECT timestamptz 'epoch' + u.micros * interval '1 microsecond' AS played_at, u.track_id,
                           u.ms_played, (SELECT t.metadata FROM tracks t WHERE t.id = u.track_id) AS metadata
                    FROM unnest(CAST(:playedAts AS bigint[]), CAST(:trackIds AS text[]),
                                CAST(:msPlayed AS bigint[])) AS u(micros, track_id, ms_played)),
                known AS (SELECT e.played_at, e.track_id, e.ms_played FROM e WHERE e.metadata IS NOT NULL),
                ins AS (
                    INSERT INTO play_events (user_id, played_at, track_id, ms_played, source, import_id,
                                             minute_precision)
                    SELECT :userId, k.played_at, k.track_id, k.ms_played, 'IMPORT', :importId,
                           CAST(:minutePrecision AS boolean)
                    FROM known k
                    -- a LATERAL probe with LIMIT: one primary-key range scan per entry, never a hash of the user's
                    -- whole history (which an anti-join may choose, making each chunk cost O(history))
                    LEFT JOIN LATERAL (
                        SELECT 1 AS hit FROM play_events p
                        WHERE p.user_id = :userId
                          AND p.played_at BETWEEN k.played_at - CAST(:wide AS interval)
                                              AND k.played_at + CAST(:wide AS interval)
                          -- a play at the very instant, whatever its track, is the same key: archived
                          AND (p.played_at = k.played_at
                               OR (p.track_id = k.track_id
                                AND (CAST(:minutePrecision AS boolean) OR p.minute_precision
                                     OR p.played_at BETWEEN k.played_at - CAST(:tolerance AS interval)
                                                        AND k.played_at + CAST(:tolerance AS interval)))
                               -- a minute-precision play was matched by name: the catalogue may hold the same
                               -- song under two ids (album and single), so names decide against it too
                               OR ((CAST(:minutePrecision AS boolean) OR p.minute_precision)
                                   AND EXISTS (SELECT 1 FROM tracks pt JOIN tracks kt
                                                 ON import_name_key(kt.name) = import_name_key(pt.name)
                                               JOIN track_artists pa ON pa.track_id = pt.id
                                               JOIN artists par ON par.id = pa.artist_id
                                               JOIN track_artists ka ON ka.track_id = kt.id
                                               JOIN artists kar ON kar.id = ka.artist_id
                                               WHERE pt.id = p.track_id AND kt.id = k.track_id
                                                 AND import_name_key(kar.name) = import_name_key(par.name))))
                        LIMIT 1) m ON true
                    -- no ON CONFLICT (its speculative insertion was a fifth of the merge): the probe sees every
                    -- committed play at the instant, the entries' instants are distinct, and a play another
                    -- transaction inserts at the same instant meanwhile fails this one, whose retry sees it
                    WHERE m.hit IS NULL
                    RETURNING played_at, track_id, ms_played),
                pending AS (
                    INSERT INTO import_pending (user_id, played_at, track_id, ms_played, import_id)
                    SELECT :userId, e.played_at, e.track_id, e.ms_played, :importId FROM e WHERE e.metadata IS NULL
                    ON CONFLICT DO NOTHING
                    RETURNING 1),
                -- new plays of tracks known only from a file: published again, complete, once Spotify described them
                described AS (SELECT i.played_at, i.track_id, i.ms_played, e.metadata
                              FROM ins i JOIN e ON e.played_at = i.played_at WHERE e.metadata <> 'SPOTIFY'),
                awaiting AS (
                    INSERT INTO import_pending (user_id, played_at, track_id, ms_played, import_id, archived)
                    SELECT :userId, d.played_at, d.track_id, d.ms_played, :importId, true FROM described d
                    WHERE d.metadata = 'FILE'
                    ON CONFLICT DO NOTHING
                    RETURNING 1),
                -- one outbox row with the new plays: the relay builds their events from it and the catalogue
                published AS (
                    INSERT INTO outbox (topic, message_key, import_id, played_ats, track_ids, ms_played, events)
                    SELECT :topic, :userId, :importId,
                           array_agg(CAST(extract(epoch FROM i.played_at) * 1000000 AS bigint)),
                           array_agg(i.track_id), array_agg(i.ms_played), count(*)
                    FROM ins i HAVING count(*) > 0
                    RETURNING events)
                SELECT (SELECT count(*) FROM known), (SELECT count(*) FROM e),
                       (SELECT count(*) FROM pending), (SELECT count(*) FROM ins),
                       (SELECT coalesce(sum(events), 0) FROM published),
                       CASE WHEN CAST(:minutePrecision AS boolean)
                            THEN (SELECT string_agg(CAST(CAST(extract(epoch FROM played_at) * 1000000 AS bigint) AS text),
                                                    ',') FROM ins) END,
                       (SELECT count(*) FROM awaiting),
                       (SELECT count(*) FROM described WHERE metadata = 'UNAVAILABLE')
                """)
                .setParameter("importId", importId)
                .setParameter("userId", userId)
                .setParameter("topic", Topics.PLAYS)
                .setParameter("minutePrecision", minutePrecision)
                .setParameter("tolerance", MATCH_TOLERANCE)
                .setParameter("wide", MINUTE_TOLERANCE)
                .setParameter(
                        "playedAts",
                        entries.stream().map(e -> micros(e.playedAt())).toArray(Long[]::new))
                .setParameter("trackIds", entries.stream().map(Entry::trackId).toArray(String[]::new))
                .setParameter("msPlayed", entries.stream().map(Entry::msPlayed).toArray(Long[]::new))
                .getSingleResult();
        long known = ((Number) row[0]).longValue();
        long all = ((Number) row[1]).longValue();
        long pendingAdded = ((Number) row[2]).longValue();
        long inserted = ((Number) row[3]).longValue();
        if (((Number) row[4]).longValue() != inserted) {
            throw new IllegalStateException(
                    "Import " + importId + ": " + inserted + " plays archived but " + row[4] + " published");
        }
        java.util.Set<java.time.Instant> insertedAt = new java.util.HashSet<>();
        if (row[5] != null) {
            for (String micros : ((String) row[5]).split(",")) {
                insertedAt.add(
                        java.time.Instant.EPOCH.plus(Long.parseLong(micros), java.time.temporal.ChronoUnit.MICROS));
            }
        }
        return new Merged(
                repeated,
                known,
                inserted,
                pendingAdded,
                all - known,
                ((Number) row[6]).longValue(),
                ((Number) row[7]).longValue(),
                insertedAt);
    }

    /** An account-data entry: names and the minute its stream ended in. */
    public record Named(java.time.Instant minute, String trackName, String artistName, long msPlayed) {}

    /** For one {@link Named} entry: whether the user already has that play, else the catalogue's track, if any. */
    public record NameMatch(boolean duplicate, String trackId) {}

    /**
     * Matches account-data entries by name (keys from {@code import_name_key}: NFKC, case-folded, whitespace
     * collapsed). Duplicate: the user has a play whose track has the same name and one of whose artists has the
     * same name, with {@code played_at} in [minute - 10 s, minute + 70 s). Otherwise the catalogue's track with
     * that name and artist (the artist listed first wins, then the smallest id), null when there is none.
     */
    @SuppressWarnings("unchecked")
    public List<NameMatch> matchNames(String userId, List<Named> entries) {
        if (entries.isEmpty()) {
            return List.of();
        }
        List<Object[]> rows = entityManager
                .createNativeQuery("""
                WITH k AS (
                    SELECT ord, minute, import_name_key(track_name) AS tk, import_name_key(artist_name) AS ak
                    FROM unnest(CAST(:minutes AS timestamptz[]), CAST(:tracks AS text[]), CAST(:artists AS text[]))
                         WITH ORDINALITY AS e(minute, track_name, artist_name, ord))
                SELECT k.ord,
                       EXISTS (SELECT 1 FROM play_events p JOIN tracks t ON t.id = p.track_id
                               WHERE p.user_id = :userId
                                 AND p.played_at >= k.minute - CAST(:tolerance AS interval)
                                 AND p.played_at < k.minute + interval '1 minute' + CAST(:tolerance AS interval)
                                 AND import_name_key(t.name) = k.tk
                                 AND EXISTS (SELECT 1 FROM track_artists ta JOIN artists ar ON ar.id = ta.artist_id
                                             WHERE ta.track_id = t.id AND import_name_key(ar.name) = k.ak)),
                       (SELECT t.id FROM tracks t JOIN track_artists ta ON ta.track_id = t.id
                                JOIN artists ar ON ar.id = ta.artist_id
                        WHERE import_name_key(t.name) = k.tk AND import_name_key(ar.name) = k.ak
                        ORDER BY ta.position, t.id LIMIT 1)
                FROM k ORDER BY k.ord
                """)
                .setParameter("userId", userId)
                .setParameter("tolerance", MATCH_TOLERANCE)
                .setParameter(
                        "minutes",
                        entries.stream().map(e -> Timestamp.from(e.minute())).toArray(Timestamp[]::new))
                .setParameter("tracks", entries.stream().map(Named::trackName).toArray(String[]::new))
                .setParameter("artists", entries.stream().map(Named::artistName).toArray(String[]::new))
                .getResultList();
        return rows.stream()
                .map(r -> new NameMatch(Boolean.TRUE.equals(r[1]), (String) r[2]))
                .toList();
    }

    /** Keeps account-data entries that matched no track, with the reason. */
    public void addUnmatched(String importId, String userId, List<Named> entries, String reason) {
        if (entries.isEmpty()) {
            return;
        }
        entityManager
                .createNativeQuery("""
                INSERT INTO import_unmatched (import_id, user_id, ended_at, track_name, artist_name, ms_played, reason)
                SELECT :importId, :userId, m, t, a, ms, :reason
                FROM unnest(CAST(:minutes AS timestamptz[]), CAST(:tracks AS text[]), CAST(:artists AS text[]),
                            CAST(:msPlayed AS bigint[])) AS e(m, t, a, ms)
                """)
                .setParameter("importId", importId)
                .setParameter("userId", userId)
                .setParameter("reason", reason)
                .setParameter(
                        "minutes",
                        entries.stream().map(e -> Timestamp.from(e.minute())).toArray(Timestamp[]::new))
                .setParameter("tracks", entries.stream().map(Named::trackName).toArray(String[]::new))
                .setParameter("artists", entries.stream().map(Named::artistName).toArray(String[]::new))
                .setParameter("msPlayed", entries.stream().map(Named::msPlayed).toArray(Long[]::new))
                .executeUpdate();
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
    public int flagRetriable(int tracks, java.time.Duration settle, String reason) {
        Number compared = (Number) entityManager
                .createNativeQuery("""
                WITH c AS MATERIALIZED (SELECT added_at, track_id FROM import_unmatched_cursor FOR UPDATE SKIP LOCKED),
                batch AS MATERIALIZED (
                    -- the cursor as scalars: a row comparison with a parameter is an index condition, a join is not
                    SELECT t.added_at, t.id, import_name_key(t.name) AS tk FROM tracks t
                    WHERE (t.added_at, t.id) > ((SELECT added_at FROM c), (SELECT track_id FROM c))
                      AND t.added_at <= now() - CAST(:settleMs AS bigint) * interval '1 millisecond'
                    ORDER BY t.added_at, t.id LIMIT :tracks),
                -- data-modifying CTEs run to completion whether the final SELECT reads them or not
                flag AS (
                    UPDATE import_unmatched u SET retry = true
                    FROM (SELECT DISTINCT b.tk, import_name_key(ar.name) AS ak
                          FROM batch b JOIN track_artists ta ON ta.track_id = b.id
                          JOIN artists ar ON ar.id = ta.artist_id) n
                    WHERE NOT u.retry AND u.reason = :reason AND u.track_key = n.tk
                      AND import_name_key(u.artist_name) = n.ak),
                moved AS (
                    UPDATE import_unmatched_cursor SET added_at = l.added_at, track_id = l.id
                    FROM (SELECT added_at, id FROM batch ORDER BY added_at DESC, id DESC LIMIT 1) l)
                SELECT count(*) FROM batch
                """)
                .setParameter("settleMs", settle.toMillis())
                .setParameter("tracks", tracks)
                .setParameter("reason", reason)
                .getSingleResult();
        return compared.intValue();
    }

    /**
     * Up to {@code limit} flagged unmatched entries, oldest first, locked (FOR UPDATE SKIP LOCKED), of users whose
     * merge lock (see {@link #withoutJitLockingUser}) this transaction got, at most {@code users} of them: two
     * replicas never retry one user's entries at once, and a user with a chunk in progress waits for a later round.
     * Rows: id, import_id, user_id, ended_at, track_name, artist_name, ms_played.
     */
    @SuppressWarnings("unchecked")
    public List<Object[]> lockRetriable(int users, int limit) {
        return entityManager
                .createNativeQuery("""
                WITH mine AS (
                    SELECT user_id FROM (SELECT DISTINCT user_id FROM import_unmatched WHERE retry) d
                    WHERE pg_try_advisory_xact_lock(:space, hashtext(user_id))
                    LIMIT :users)
                SELECT u.id, u.import_id, u.user_id, u.ended_at, u.track_name, u.artist_name, u.ms_played
                FROM import_unmatched u
                WHERE u.retry AND u.user_id IN (SELECT user_id FROM mine)
                ORDER BY u.id LIMIT :limit
                FOR UPDATE OF u SKIP LOCKED
                """)
                .setParameter("space", UserArchiveLock.SPACE)
                .setParameter("users", users)
                .setParameter("limit", limit)
                .getResultList();
    }

    public void deleteUnmatched(List<Long> ids) {
        entityManager
                .createNativeQuery("DELETE FROM import_unmatched WHERE id = ANY(CAST(:ids AS bigint[]))")
                .setParameter("ids", ids.toArray(Long[]::new))
                .executeUpdate();
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

    /** Adds to an import's totals and returns them as the next progress report. */
    @SuppressWarnings("unchecked")
    public ImportProgress addCounts(String importId, String userId, Counts delta) {
        Object[] row = (Object[]) entityManager
                .createNativeQuery("""
                INSERT INTO import_counts AS c (import_id, user_id, version, chunks, imported, duplicates, pending, failed,
                                                unmatched, awaiting_catalogue, without_catalogue)
                VALUES (:importId, :userId, 1, :chunks, :imported, :duplicates, :pending, :failed,
                        CAST(:unmatched AS jsonb), :awaiting, :without)
                ON CONFLICT (import_id) DO UPDATE SET version = c.version + 1, chunks = c.chunks + EXCLUDED.chunks,
                    imported = c.imported + EXCLUDED.imported, duplicates = c.duplicates + EXCLUDED.duplicates,
                    pending = c.pending + EXCLUDED.pending, failed = c.failed + EXCLUDED.failed,
                    awaiting_catalogue = c.awaiting_catalogue + EXCLUDED.awaiting_catalogue,
                    without_catalogue = c.without_catalogue + EXCLUDED.without_catalogue,
                    unmatched = (SELECT coalesce(jsonb_object_agg(reason, n), '{}')
                                 FROM (SELECT reason, sum(CAST(n AS bigint)) AS n
                                       FROM (SELECT * FROM jsonb_each_text(c.unmatched)
                                             UNION ALL SELECT * FROM jsonb_each_text(EXCLUDED.unmatched)) AS u(reason, n)
                                       GROUP BY reason) AS s)
                RETURNING version, chunks, imported, duplicates, pending, failed, CAST(unmatched AS text),
                          awaiting_catalogue, without_catalogue, undone, removed
                """)
                .setParameter("importId", importId)
                .setParameter("userId", userId)
                .setParameter("chunks", delta.chunks())
                .setParameter("imported", delta.imported())
                .setParameter("duplicates", delta.duplicates())
                .setParameter("pending", delta.pending())
                .setParameter("failed", delta.failed())
                .setParameter("unmatched", json(delta.unmatched()))
                .setParameter("awaiting", delta.awaitingCatalogue())
                .setParameter("without", delta.withoutCatalogue())
                .getSingleResult();
        return progress(importId, userId, row);
    }

    /** A report from a row of {@code import_counts} as {@link #addCounts} and {@link #undo} return it. */
    private static ImportProgress progress(String importId, String userId, Object[] row) {
        return new ImportProgress(
                ImportProgress.CURRENT_VERSION,
                importId,
                userId,
                ((Number) row[0]).longValue(),
                ((Number) row[1]).intValue(),
                ((Number) row[2]).longValue(),
                ((Number) row[3]).longValue(),
                ((Number) row[4]).longValue(),
                ((Number) row[5]).longValue(),
                parseCounts((String) row[6]),
                ((Number) row[7]).longValue(),
                ((Number) row[8]).longValue(),
                (Boolean) row[9],
                ((Number) row[10]).longValue());
    }

    /** The imports among these that were undone: their chunks change nothing any more. */
    @SuppressWarnings("unchecked")
    public java.util.Set<String> undone(java.util.Collection<String> importIds) {
        return new java.util.HashSet<>(entityManager
                .createNativeQuery(
                        "SELECT import_id FROM import_counts WHERE undone AND import_id = ANY(CAST(:ids AS text[]))")
                .setParameter("ids", importIds.toArray(String[]::new))
                .getResultList());
    }

    /**
     * Undoes an import in one statement: its plays leave {@code play_events} (only that import's: a polled play or
     * another import's play is never touched), with its waiting and unmatched entries and its events not published
     * yet; one outbox row lists the removed plays so that consumers drop them; the import is marked undone (its
     * chunks are ignored from now on). A repeated undo removes nothing more. Requires the user's merge lock.
     *
     * @return the import's totals after the undo
     */
    public ImportProgress undo(String importId, String userId) {
        Object[] row = (Object[]) entityManager
                .createNativeQuery("""
                WITH gone AS (
                    DELETE FROM play_events WHERE user_id = :userId AND import_id = :importId AND source = 'IMPORT'
                    RETURNING played_at, track_id, ms_played),
                waiting AS (DELETE FROM import_pending WHERE user_id = :userId AND import_id = :importId),
                unmatched AS (DELETE FROM import_unmatched WHERE user_id = :userId AND import_id = :importId),
                unpublished AS (DELETE FROM outbox WHERE message_key = :userId AND import_id = :importId
                                AND NOT removed),
                removal AS (
                    INSERT INTO outbox (topic, message_key, import_id, played_ats, track_ids, ms_played, events, removed)
                    SELECT :topic, :userId, :importId,
                           array_agg(CAST(extract(epoch FROM g.played_at) * 1000000 AS bigint)),
                           array_agg(g.track_id), array_agg(g.ms_played), count(*), true
                    FROM gone g HAVING count(*) > 0)
                INSERT INTO import_counts AS c (import_id, user_id, version, undone, removed)
                VALUES (:importId, :userId, 1, true, (SELECT count(*) FROM gone))
                ON CONFLICT (import_id) DO UPDATE SET version = c.version + 1, undone = true,
                    removed = c.removed + EXCLUDED.removed, pending = 0, awaiting_catalogue = 0,
                    unmatched = '{}'
                RETURNING version, chunks, imported, duplicates, pending, failed, CAST(unmatched AS text),
                          awaiting_catalogue, without_catalogue, undone, removed
                """)
                .setParameter("importId", importId)
                .setParameter("userId", userId)
                .setParameter("topic", Topics.PLAYS)
                .getSingleResult();
        return progress(importId, userId, row);
    }

    private static String json(Map<String, Long> counts) {
        try {
            return COUNTS.writeValueAsString(counts);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Long> parseCounts(String json) {
        try {
            return COUNTS.readValue(
                    json, new com.fasterxml.jackson.core.type.TypeReference<java.util.TreeMap<String, Long>>() {});
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Tracks that entries not archived yet (their file does not name the track) wait for and that the catalogue
     * still lacks.
     */
    @SuppressWarnings("unchecked")
    public List<String> missingTracks(int limit) {
        return entityManager.createNativeQuery("""
                SELECT DISTINCT p.track_id FROM import_pending p
                WHERE NOT p.archived AND NOT EXISTS (SELECT 1 FROM tracks t WHERE t.id = p.track_id)
                ORDER BY p.track_id LIMIT :limit
                """).setParameter("limit", limit).getResultList();
    }

    /**
     * Entries not archived yet whose track is in the catalogue now (as Spotify describes it), locked so that other
     * replicas take others.
     */
    @SuppressWarnings("unchecked")
    public List<Object[]> lockResolvable(int limit) {
        return entityManager.createNativeQuery("""
                SELECT p.user_id, p.played_at, p.track_id, p.ms_played, p.import_id FROM import_pending p
                WHERE NOT p.archived AND EXISTS (SELECT 1 FROM tracks t WHERE t.id = p.track_id AND t.metadata = 'SPOTIFY')
                ORDER BY p.import_id LIMIT :limit FOR UPDATE OF p SKIP LOCKED
                """).setParameter("limit", limit).getResultList();
    }

    /** Archived plays of tracks described since they were archived, taken out of {@code import_pending}. */
    public record Described(
            String userId,
            String importId,
            java.time.Instant playedAt,
            String trackId,
            long msPlayed,
            boolean unavailable) {}

    /**
     * Takes the archived plays waiting for the {@code tracks} tracks described longest ago ({@code
     * catalogue_described}, locked with SKIP LOCKED so replicas take different tracks) out of {@code import_pending};
     * a track leaves the queue once it was described more than {@code settle} ago, so plays a merge archived while it
     * still saw the track as FILE are taken by a later round.
     */
    @SuppressWarnings("unchecked")
    public List<Described> takeDescribed(int tracks, java.time.Duration settle) {
        List<Object[]> rows = entityManager
                .createNativeQuery("""
                WITH q AS (SELECT track_id, described_at FROM catalogue_described ORDER BY described_at
                           LIMIT :tracks FOR UPDATE SKIP LOCKED),
                taken AS (DELETE FROM import_pending p USING q WHERE p.track_id = q.track_id AND p.archived
                          RETURNING p.user_id, p.import_id, p.played_at, p.track_id, p.ms_played),
                settled AS (DELETE FROM catalogue_described c USING q
                            WHERE c.track_id = q.track_id
                              AND q.described_at < now() - CAST(:settleMs AS bigint) * interval '1 millisecond')
                SELECT t.user_id, t.import_id, CAST(extract(epoch FROM t.played_at) * 1000000 AS bigint), t.track_id,
                       t.ms_played, k.metadata = 'UNAVAILABLE'
                FROM taken t JOIN tracks k ON k.id = t.track_id
                """)
                .setParameter("tracks", tracks)
                .setParameter("settleMs", settle.toMillis())
                .getResultList();
        return rows.stream()
                .map(r -> new Described(
                        (String) r[0],
                        (String) r[1],
                        java.time.Instant.EPOCH.plus(((Number) r[2]).longValue(), java.time.temporal.ChronoUnit.MICROS),
                        (String) r[3],
                        ((Number) r[4]).longValue(),
                        (Boolean) r[5]))
                .toList();
    }

    /**
     * Queues archived plays to be published on {@code plays} again: one outbox row, whose events the relay builds
     * from the catalogue as it is then.
     */
    public void republish(String userId, String importId, List<Entry> plays) {
        entityManager
                .createNativeQuery("""
                INSERT INTO outbox (topic, message_key, import_id, played_ats, track_ids, ms_played, events)
                VALUES (:topic, :userId, :importId, CAST(:playedAts AS bigint[]), CAST(:trackIds AS text[]),
                        CAST(:msPlayed AS bigint[]), :events)
                """)
                .setParameter("topic", Topics.PLAYS)
                .setParameter("userId", userId)
                .setParameter("importId", importId)
                .setParameter(
                        "playedAts",
                        plays.stream().map(e -> micros(e.playedAt())).toArray(Long[]::new))
                .setParameter("trackIds", plays.stream().map(Entry::trackId).toArray(String[]::new))
                .setParameter("msPlayed", plays.stream().map(Entry::msPlayed).toArray(Long[]::new))
                .setParameter("events", plays.size())
                .executeUpdate();
    }

    public void deletePending(List<Entry> entries) {
        entityManager
                .createNativeQuery("""
                DELETE FROM import_pending p USING unnest(CAST(:userIds AS text[]), CAST(:playedAts AS timestamptz[]),
                    CAST(:trackIds AS text[])) AS e(u, a, t)
                WHERE p.user_id = e.u AND p.played_at = e.a AND p.track_id = e.t
                """)
                .setParameter("userIds", entries.stream().map(Entry::userId).toArray(String[]::new))
                .setParameter(
                        "playedAts",
                        entries.stream().map(e -> Timestamp.from(e.playedAt())).toArray(Timestamp[]::new))
                .setParameter("trackIds", entries.stream().map(Entry::trackId).toArray(String[]::new))
                .executeUpdate();
    }

    /**
     * Spotify does not know the track: its entries that could not be archived (their file does not name it) are
     * counted as failed. Returns the imports touched.
     */
    @SuppressWarnings("unchecked")
    public List<ImportProgress> failTrack(String trackId) {
        List<Object[]> rows = entityManager
                .createNativeQuery("""
                SELECT import_id, min(user_id), count(*) FROM import_pending WHERE track_id = :trackId AND NOT archived
                GROUP BY import_id
                """)
                .setParameter("trackId", trackId)
                .getResultList();
        entityManager
                .createNativeQuery("DELETE FROM import_pending WHERE track_id = :trackId AND NOT archived")
                .setParameter("trackId", trackId)
                .executeUpdate();
        List<ImportProgress> reports = new ArrayList<>();
        for (Object[] row : rows) {
            long n = ((Number) row[2]).longValue();
            reports.add(addCounts((String) row[0], (String) row[1], Counts.of(0, 0, 0, -n, n)));
        }
        return reports;
    }

    static long micros(java.time.Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    static java.time.Instant toInstant(Object value) {
        if (value instanceof java.time.Instant instant) {
            return instant;
        }
        if (value instanceof Timestamp timestamp) {
            return timestamp.toInstant();
        }
        if (value instanceof java.time.OffsetDateTime offset) {
            return offset.toInstant();
        }
        throw new IllegalStateException("Not a timestamp: " + value);
    }

    public record Entry(String userId, java.time.Instant playedAt, String trackId, long msPlayed) {}
}
