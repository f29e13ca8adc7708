package io.audiospective.archive.imports;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.ImportProgress;
import io.audiospective.model.TrackRef;

/** Set-based SQL of imports: one statement per step whatever the number of entries. */
@ApplicationScoped
public class ImportRepository {

    /** An imported entry and a play already archived are the same play within this distance (see README). */
    public static final String MATCH_TOLERANCE = "10 seconds";

    private final EntityManager entityManager;

    ImportRepository(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** Claims a chunk; false when it was archived before (a redelivery). */
    public boolean claimChunk(String importId, int sequence) {
        return entityManager.createNativeQuery("""
                INSERT INTO import_chunks_done (import_id, sequence) VALUES (:importId, :sequence)
                ON CONFLICT DO NOTHING
                """).setParameter("importId", importId).setParameter("sequence", sequence).executeUpdate() == 1;
    }

    /** The catalogue's tracks among {@code ids}, with album and artists. */
    @SuppressWarnings("unchecked")
    public Map<String, TrackRef> knownTracks(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        List<Object[]> rows = entityManager.createNativeQuery("""
                SELECT t.id, t.name, t.duration_ms, t.isrc, al.id, al.name, al.release_date, al.image_url,
                       ar.id, ar.name
                FROM tracks t JOIN albums al ON al.id = t.album_id
                LEFT JOIN track_artists ta ON ta.track_id = t.id LEFT JOIN artists ar ON ar.id = ta.artist_id
                WHERE t.id = ANY(CAST(:ids AS text[]))
                ORDER BY t.id, ta.position
                """).setParameter("ids", ids.toArray(String[]::new)).getResultList();
        Map<String, Object[]> trackRows = new LinkedHashMap<>();
        Map<String, List<ArtistRef>> artists = new HashMap<>();
        for (Object[] row : rows) {
            String id = (String) row[0];
            trackRows.putIfAbsent(id, row);
            List<ArtistRef> list = artists.computeIfAbsent(id, k -> new ArrayList<>());
            if (row[8] != null) {
                list.add(new ArtistRef((String) row[8], (String) row[9]));
            }
        }
        Map<String, TrackRef> tracks = new HashMap<>();
        trackRows.forEach((id, row) -> tracks.put(id, new TrackRef(id, (String) row[1],
                ((Number) row[2]).longValue(), (String) row[3],
                new AlbumRef((String) row[4], (String) row[5], (String) row[6], (String) row[7]),
                artists.get(id))));
        return tracks;
    }

    /**
     * Archives the entries that match no archived play: same user, same track, played_at within
     * {@link #MATCH_TOLERANCE}; an exact (user, played_at) clash with another track also counts as archived.
     *
     * @return the archived entries
     */
    @SuppressWarnings("unchecked")
    public List<Entry> insertUnmatched(String importId, List<Entry> entries) {
        if (entries.isEmpty()) {
            return List.of();
        }
        List<Object[]> rows = entityManager.createNativeQuery("""
                INSERT INTO play_events (user_id, played_at, track_id, ms_played, source, import_id)
                SELECT e.user_id, e.played_at, e.track_id, e.ms_played, 'IMPORT', :importId
                FROM unnest(CAST(:userIds AS text[]), CAST(:playedAts AS timestamptz[]), CAST(:trackIds AS text[]),
                            CAST(:msPlayed AS bigint[])) AS e(user_id, played_at, track_id, ms_played)
                -- a LATERAL probe with LIMIT: one primary-key range scan per entry, never a hash of the user's
                -- whole history (which a NOT EXISTS anti-join may choose, making each chunk cost O(history))
                LEFT JOIN LATERAL (
                    SELECT 1 AS hit FROM play_events p
                    WHERE p.user_id = e.user_id
                      AND p.played_at BETWEEN e.played_at - CAST(:tolerance AS interval)
                                          AND e.played_at + CAST(:tolerance AS interval)
                      AND p.track_id = e.track_id
                    LIMIT 1) m ON true
                WHERE m.hit IS NULL
                ON CONFLICT (user_id, played_at) DO NOTHING
                RETURNING user_id, played_at, track_id, ms_played
                """)
                .setParameter("importId", importId)
                .setParameter("tolerance", MATCH_TOLERANCE)
                .setParameter("userIds", entries.stream().map(Entry::userId).toArray(String[]::new))
                .setParameter("playedAts", entries.stream().map(e -> Timestamp.from(e.playedAt()))
                        .toArray(Timestamp[]::new))
                .setParameter("trackIds", entries.stream().map(Entry::trackId).toArray(String[]::new))
                .setParameter("msPlayed", entries.stream().map(Entry::msPlayed).toArray(Long[]::new))
                .getResultList();
        return rows.stream().map(r -> new Entry((String) r[0], toInstant(r[1]),
                (String) r[2], ((Number) r[3]).longValue())).toList();
    }

    /** Keeps entries whose track is unknown; returns how many were new to the pending table. */
    public int addPending(String importId, List<Entry> entries) {
        if (entries.isEmpty()) {
            return 0;
        }
        return entityManager.createNativeQuery("""
                INSERT INTO import_pending (user_id, played_at, track_id, ms_played, import_id)
                SELECT u, p, t, m, :importId FROM unnest(CAST(:userIds AS text[]), CAST(:playedAts AS timestamptz[]),
                    CAST(:trackIds AS text[]), CAST(:msPlayed AS bigint[])) AS e(u, p, t, m)
                ON CONFLICT DO NOTHING
                """)
                .setParameter("importId", importId)
                .setParameter("userIds", entries.stream().map(Entry::userId).toArray(String[]::new))
                .setParameter("playedAts", entries.stream().map(e -> Timestamp.from(e.playedAt()))
                        .toArray(Timestamp[]::new))
                .setParameter("trackIds", entries.stream().map(Entry::trackId).toArray(String[]::new))
                .setParameter("msPlayed", entries.stream().map(Entry::msPlayed).toArray(Long[]::new))
                .executeUpdate();
    }

    /** Adds to an import's totals and returns them as the next progress report. */
    public ImportProgress addCounts(String importId, String userId, int chunks, long imported, long duplicates,
            long pending, long failed) {
        Object[] row = (Object[]) entityManager.createNativeQuery("""
                INSERT INTO import_counts AS c (import_id, user_id, version, chunks, imported, duplicates, pending, failed)
                VALUES (:importId, :userId, 1, :chunks, :imported, :duplicates, :pending, :failed)
                ON CONFLICT (import_id) DO UPDATE SET version = c.version + 1, chunks = c.chunks + EXCLUDED.chunks,
                    imported = c.imported + EXCLUDED.imported, duplicates = c.duplicates + EXCLUDED.duplicates,
                    pending = c.pending + EXCLUDED.pending, failed = c.failed + EXCLUDED.failed
                RETURNING version, chunks, imported, duplicates, pending, failed
                """)
                .setParameter("importId", importId).setParameter("userId", userId).setParameter("chunks", chunks)
                .setParameter("imported", imported).setParameter("duplicates", duplicates)
                .setParameter("pending", pending).setParameter("failed", failed)
                .getSingleResult();
        return new ImportProgress(ImportProgress.CURRENT_VERSION, importId, userId, ((Number) row[0]).longValue(),
                ((Number) row[1]).intValue(), ((Number) row[2]).longValue(), ((Number) row[3]).longValue(),
                ((Number) row[4]).longValue(), ((Number) row[5]).longValue());
    }

    /** Tracks that pending entries wait for and that the catalogue still lacks, with a user to ask as. */
    @SuppressWarnings("unchecked")
    public List<Object[]> missingTracks(int limit) {
        return entityManager.createNativeQuery("""
                SELECT DISTINCT ON (p.track_id) p.track_id, p.user_id FROM import_pending p
                WHERE NOT EXISTS (SELECT 1 FROM tracks t WHERE t.id = p.track_id)
                ORDER BY p.track_id LIMIT :limit
                """).setParameter("limit", limit).getResultList();
    }

    /** Pending entries whose track is in the catalogue now, locked so that other replicas take others. */
    @SuppressWarnings("unchecked")
    public List<Object[]> lockResolvable(int limit) {
        return entityManager.createNativeQuery("""
                SELECT p.user_id, p.played_at, p.track_id, p.ms_played, p.import_id FROM import_pending p
                WHERE EXISTS (SELECT 1 FROM tracks t WHERE t.id = p.track_id)
                ORDER BY p.import_id LIMIT :limit FOR UPDATE OF p SKIP LOCKED
                """).setParameter("limit", limit).getResultList();
    }

    public void deletePending(List<Entry> entries) {
        entityManager.createNativeQuery("""
                DELETE FROM import_pending p USING unnest(CAST(:userIds AS text[]), CAST(:playedAts AS timestamptz[]),
                    CAST(:trackIds AS text[])) AS e(u, a, t)
                WHERE p.user_id = e.u AND p.played_at = e.a AND p.track_id = e.t
                """)
                .setParameter("userIds", entries.stream().map(Entry::userId).toArray(String[]::new))
                .setParameter("playedAts", entries.stream().map(e -> Timestamp.from(e.playedAt()))
                        .toArray(Timestamp[]::new))
                .setParameter("trackIds", entries.stream().map(Entry::trackId).toArray(String[]::new))
                .executeUpdate();
    }

    /** Spotify does not know the track: its pending entries are counted as failed. Returns the imports touched. */
    @SuppressWarnings("unchecked")
    public List<ImportProgress> failTrack(String trackId) {
        List<Object[]> rows = entityManager.createNativeQuery("""
                SELECT import_id, min(user_id), count(*) FROM import_pending WHERE track_id = :trackId
                GROUP BY import_id
                """).setParameter("trackId", trackId).getResultList();
        entityManager.createNativeQuery("DELETE FROM import_pending WHERE track_id = :trackId")
                .setParameter("trackId", trackId).executeUpdate();
        List<ImportProgress> reports = new ArrayList<>();
        for (Object[] row : rows) {
            long n = ((Number) row[2]).longValue();
            reports.add(addCounts((String) row[0], (String) row[1], 0, 0, 0, -n, n));
        }
        return reports;
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

    public record Entry(String userId, java.time.Instant playedAt, String trackId, long msPlayed) {
    }
}
