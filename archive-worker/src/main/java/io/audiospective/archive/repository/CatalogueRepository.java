package io.audiospective.archive.repository;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import io.audiospective.archive.client.ArtistDetails;
import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.ProvisionalIds;
import io.audiospective.model.TrackRef;

/**
 * Upserts artists, albums and tracks in bulk, a fixed number of statements whatever the number of rows. Every poll
 * writes the catalogue rows of its page, and popular artists are on most pages: an {@code ON CONFLICT DO UPDATE}
 * would lock each of those rows until the poll's transaction ends, even when nothing changes, and serialise all
 * polls on them. So new rows are inserted with {@code DO NOTHING} (concurrent workers inserting the same track
 * never fail each other) and only rows whose values differ are updated, and so locked. Rows go in id order, so
 * concurrent transactions meet shared rows in the same order.
 */
@ApplicationScoped
public class CatalogueRepository {

    /** Bounds {@link #committed}; past it the memory starts over, costing one write per track. */
    static final int MAX_REMEMBERED_TRACKS = 200_000;

    private final EntityManager entityManager;
    private final TransactionSynchronizationRegistry transactions;
    /**
     * Tracks as this worker last committed them, with their album and artists. Most of a page was on the user's
     * previous page too: a track equal to its remembered version is in the catalogue already and is not written
     * again. Catalogue rows are never deleted, so a remembered track cannot be missing.
     */
    private final Map<String, TrackRef> committed = new ConcurrentHashMap<>();

    CatalogueRepository(EntityManager entityManager, TransactionSynchronizationRegistry transactions) {
        this.entityManager = entityManager;
        this.transactions = transactions;
    }

    /** The tracks this worker has not committed in this form before, each once. */
    public List<TrackRef> notCommittedBefore(Collection<TrackRef> tracks) {
        Map<String, TrackRef> unknown = new TreeMap<>();
        for (TrackRef track : tracks) {
            if (!track.equals(committed.get(track.id()))) {
                unknown.put(track.id(), track);
            }
        }
        return List.copyOf(unknown.values());
    }

    /**
     * The catalogue's current version of these tracks, with album and artists (in their order), by id; a track
     * Spotify has not described is {@link TrackRef#provisional() provisional}.
     */
    @SuppressWarnings("unchecked")
    public Map<String, TrackRef> tracks(Collection<String> ids) {
        List<Object[]> rows = entityManager
                .createNativeQuery("""
                SELECT t.id, t.name, t.duration_ms, t.isrc, al.id, al.name, al.release_date, al.image_url,
                       array_agg(ar.id ORDER BY ta.position, ar.id), array_agg(ar.name ORDER BY ta.position, ar.id),
                       t.metadata <> 'SPOTIFY'

                FROM tracks t JOIN albums al ON al.id = t.album_id
                JOIN track_artists ta ON ta.track_id = t.id JOIN artists ar ON ar.id = ta.artist_id
                WHERE t.id = ANY(CAST(:ids AS text[]))
                GROUP BY t.id, al.id
                """)
                .setParameter("ids", ids.toArray(String[]::new))
                .getResultList();
        Map<String, TrackRef> tracks = new HashMap<>(rows.size() * 2);
        for (Object[] row : rows) {
            String[] artistIds = (String[]) row[8];
            String[] artistNames = (String[]) row[9];
            List<ArtistRef> artists = new ArrayList<>(artistIds.length);
            for (int i = 0; i < artistIds.length; i++) {
                artists.add(new ArtistRef(artistIds[i], artistNames[i]));
            }
            tracks.put(
                    (String) row[0],
                    new TrackRef(
                            (String) row[0],
                            (String) row[1],
                            ((Number) row[2]).longValue(),
                            (String) row[3],
                            new AlbumRef((String) row[4], (String) row[5], (String) row[6], (String) row[7]),
                            artists,
                            (Boolean) row[10]));
        }
        return tracks;
    }

    /** Writes the tracks this worker has not committed in this form before; must run in a transaction. */
    public void upsert(Collection<TrackRef> tracks) {
        Map<String, ArtistRef> artists = new TreeMap<>();
        Map<String, AlbumRef> albums = new TreeMap<>();
        Map<String, TrackRef> uniqueTracks = new TreeMap<>();
        for (TrackRef track : tracks) {
            if (track.equals(committed.get(track.id()))) {
                continue;
            }
            uniqueTracks.put(track.id(), track);
            albums.put(track.album().id(), track.album());
            track.artists().forEach(artist -> artists.put(artist.id(), artist));
        }
        if (uniqueTracks.isEmpty()) {
            return;
        }
        upsertArtists(artists.values());
        upsertAlbums(albums.values());
        upsertTracks(uniqueTracks.values());
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {}

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    if (committed.size() > MAX_REMEMBERED_TRACKS) {
                        committed.clear();
                    }
                    committed.putAll(uniqueTracks);
                }
            }
        });
    }

    private void upsertArtists(Collection<ArtistRef> artists) {
        String[] ids = artists.stream().map(ArtistRef::id).toArray(String[]::new);
        String[] names = artists.stream().map(ArtistRef::name).toArray(String[]::new);
        entityManager
                .createNativeQuery("""
                INSERT INTO artists (id, name)
                SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:names AS text[]))
                ON CONFLICT (id) DO NOTHING
                """)
                .setParameter("ids", ids)
                .setParameter("names", names)
                .executeUpdate();
        entityManager
                .createNativeQuery("""
                UPDATE artists a SET name = v.name
                FROM unnest(CAST(:ids AS text[]), CAST(:names AS text[])) AS v(id, name)
                WHERE a.id = v.id AND a.name IS DISTINCT FROM v.name
                """)
                .setParameter("ids", ids)
                .setParameter("names", names)
                .executeUpdate();
    }

    private void upsertAlbums(Collection<AlbumRef> albums) {
        String[] ids = albums.stream().map(AlbumRef::id).toArray(String[]::new);
        String[] names = albums.stream().map(AlbumRef::name).toArray(String[]::new);
        String[] releaseDates = albums.stream().map(AlbumRef::releaseDate).toArray(String[]::new);
        String[] imageUrls = albums.stream().map(AlbumRef::imageUrl).toArray(String[]::new);
        entityManager
                .createNativeQuery("""
                INSERT INTO albums (id, name, release_date, image_url)
                SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:names AS text[]),
                                     CAST(:releaseDates AS text[]), CAST(:imageUrls AS text[]))
                ON CONFLICT (id) DO NOTHING
                """)
                .setParameter("ids", ids)
                .setParameter("names", names)
                .setParameter("releaseDates", releaseDates)
                .setParameter("imageUrls", imageUrls)
                .executeUpdate();
        entityManager
                .createNativeQuery("""
                UPDATE albums a SET name = v.name, release_date = v.release_date, image_url = v.image_url
                FROM unnest(CAST(:ids AS text[]), CAST(:names AS text[]), CAST(:releaseDates AS text[]),
                            CAST(:imageUrls AS text[])) AS v(id, name, release_date, image_url)
                WHERE a.id = v.id
                  AND (a.name, a.release_date, a.image_url) IS DISTINCT FROM (v.name, v.release_date, v.image_url)
                """)
                .setParameter("ids", ids)
                .setParameter("names", names)
                .setParameter("releaseDates", releaseDates)
                .setParameter("imageUrls", imageUrls)
                .executeUpdate();
    }

    /** A track as an imported file names it: its id (from the URI) and the names of the track, album and artist. */
    public record NamedTrack(String id, String name, String artistName, String albumName) {}

    /**
     * Adds the tracks the catalogue does not have yet as the file names them (metadata FILE), so that their plays can
     * be archived at once: the album and the artist get provisional ids derived from the names ({@link
     * ProvisionalIds}), shared by every file naming them the same way. Provisional artists are marked as having their
     * details, so that nobody asks Spotify for an id it cannot know. One statement; tracks another transaction adds
     * meanwhile are left as that one writes them.
     *
     * @return how many tracks were added
     */
    public int addFromFile(Collection<NamedTrack> tracks) {
        if (tracks.isEmpty()) {
            return 0;
        }
        List<NamedTrack> sorted = tracks.stream()
                .sorted(java.util.Comparator.comparing(NamedTrack::id))
                .toList();
        Number added = (Number) entityManager
                .createNativeQuery("""
                WITH f AS (
                    SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:names AS text[]), CAST(:albumIds AS text[]),
                                         CAST(:albumNames AS text[]), CAST(:artistIds AS text[]),
                                         CAST(:artistNames AS text[]))
                        AS f(id, name, album_id, album_name, artist_id, artist_name)
                    WHERE NOT EXISTS (SELECT 1 FROM tracks t WHERE t.id = f.id)),
                ar AS (INSERT INTO artists (id, name, details_fetched_at)
                       SELECT DISTINCT ON (artist_id) artist_id, artist_name, now() FROM f ORDER BY artist_id
                       ON CONFLICT (id) DO NOTHING),
                al AS (INSERT INTO albums (id, name)
                       SELECT DISTINCT ON (album_id) album_id, album_name FROM f ORDER BY album_id
                       ON CONFLICT (id) DO NOTHING),
                tr AS (INSERT INTO tracks (id, name, duration_ms, album_id, metadata)
                       SELECT id, name, 0, album_id, 'FILE' FROM f ORDER BY id
                       ON CONFLICT (id) DO NOTHING
                       RETURNING id),
                ta AS (INSERT INTO track_artists (track_id, artist_id, position)
                       SELECT f.id, f.artist_id, 0 FROM f JOIN tr ON tr.id = f.id)
                SELECT count(*) FROM tr
                """)
                .setParameter("ids", sorted.stream().map(NamedTrack::id).toArray(String[]::new))
                .setParameter("names", sorted.stream().map(NamedTrack::name).toArray(String[]::new))
                .setParameter(
                        "albumIds",
                        sorted.stream()
                                .map(t -> ProvisionalIds.album(t.artistName(), t.albumName()))
                                .toArray(String[]::new))
                .setParameter(
                        "albumNames", sorted.stream().map(NamedTrack::albumName).toArray(String[]::new))
                .setParameter(
                        "artistIds",
                        sorted.stream()
                                .map(t -> ProvisionalIds.artist(t.artistName()))
                                .toArray(String[]::new))
                .setParameter(
                        "artistNames",
                        sorted.stream().map(NamedTrack::artistName).toArray(String[]::new))
                .getSingleResult();
        return added.intValue();
    }

    /** Spotify does not know the track: it keeps the file's names for good, and its archived plays are settled. */
    public void markUnavailable(String trackId) {
        entityManager.createNativeQuery("""
                WITH marked AS (UPDATE tracks SET metadata = 'UNAVAILABLE' WHERE id = :id AND metadata = 'FILE'
                                RETURNING id)
                INSERT INTO catalogue_described (track_id) SELECT id FROM marked
                ON CONFLICT (track_id) DO UPDATE SET described_at = now()
                """).setParameter("id", trackId).executeUpdate();
    }

    /**
     * Claims up to {@code limit} tracks known only from files whose plays wait, those with the most waiting plays
     * first, so that the members' most played tracks, artists and albums are complete soonest. Each is claimed for
     * {@code lease}, so that replicas never look one track up twice. Returns their ids in that order.
     */
    @SuppressWarnings("unchecked")
    public List<String> claimFileTracks(int limit, java.time.Duration lease) {
        // the claim conditions are repeated on the locked row: a replica's claim committed after this statement's
        // snapshot is seen there (the row is re-read once its lock is free), so it is skipped, not claimed twice
        return entityManager
                .createNativeQuery("""
                WITH waiting AS (
                    SELECT p.track_id, count(*) AS plays
                    FROM import_pending p JOIN tracks t ON t.id = p.track_id
                    WHERE t.metadata = 'FILE'
                    GROUP BY p.track_id),
                chosen AS (
                    SELECT t.id, w.plays FROM tracks t JOIN waiting w ON w.track_id = t.id
                    WHERE t.metadata = 'FILE'
                      AND (t.lookup_claimed_at IS NULL
                           OR t.lookup_claimed_at < now() - CAST(:leaseMs AS bigint) * interval '1 millisecond')
                    ORDER BY w.plays DESC, t.id LIMIT :limit
                    FOR UPDATE OF t SKIP LOCKED),
                claimed AS (
                    UPDATE tracks t SET lookup_claimed_at = now() FROM chosen c WHERE t.id = c.id
                    RETURNING t.id, c.plays)
                SELECT id FROM claimed ORDER BY plays DESC, id
                """)
                .setParameter("limit", limit)
                .setParameter("leaseMs", lease.toMillis())
                .getResultList();
    }

    /** Claims of tracks a round had no budget left for: any replica may take them at once. */
    public void releaseClaims(List<String> trackIds) {
        entityManager
                .createNativeQuery("UPDATE tracks SET lookup_claimed_at = NULL WHERE id = ANY(CAST(:ids AS text[]))")
                .setParameter("ids", trackIds.toArray(String[]::new))
                .executeUpdate();
    }

    private void upsertTracks(Collection<TrackRef> tracks) {
        String[] ids = tracks.stream().map(TrackRef::id).toArray(String[]::new);
        String[] names = tracks.stream().map(TrackRef::name).toArray(String[]::new);
        Long[] durations = tracks.stream().map(TrackRef::durationMs).toArray(Long[]::new);
        String[] isrcs = tracks.stream().map(TrackRef::isrc).toArray(String[]::new);
        String[] albumIds = tracks.stream().map(t -> t.album().id()).toArray(String[]::new);
        entityManager
                .createNativeQuery("""
                INSERT INTO tracks (id, name, duration_ms, isrc, album_id)
                SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:names AS text[]), CAST(:durations AS bigint[]),
                                     CAST(:isrcs AS text[]), CAST(:albumIds AS text[]))
                ON CONFLICT (id) DO NOTHING
                """)
                .setParameter("ids", ids)
                .setParameter("names", names)
                .setParameter("durations", durations)
                .setParameter("isrcs", isrcs)
                .setParameter("albumIds", albumIds)
                .executeUpdate();
        // a track known only from a file (or not to Spotify's look-up) is described now: its provisional artists go,
        // and its archived imported plays are queued to be published again, complete
        entityManager.createNativeQuery("""
                WITH described AS (SELECT id FROM tracks WHERE id = ANY(CAST(:ids AS text[])) AND metadata <> 'SPOTIFY'),
                queued AS (INSERT INTO catalogue_described (track_id) SELECT id FROM described
                           ON CONFLICT (track_id) DO UPDATE SET described_at = now())
                DELETE FROM track_artists ta USING described d WHERE ta.track_id = d.id
                """).setParameter("ids", ids).executeUpdate();
        entityManager
                .createNativeQuery("""
                UPDATE tracks t SET name = v.name, duration_ms = v.duration_ms, isrc = v.isrc, album_id = v.album_id,
                    metadata = 'SPOTIFY'
                FROM unnest(CAST(:ids AS text[]), CAST(:names AS text[]), CAST(:durations AS bigint[]),
                            CAST(:isrcs AS text[]), CAST(:albumIds AS text[]))
                     AS v(id, name, duration_ms, isrc, album_id)
                WHERE t.id = v.id
                  AND (t.name, t.duration_ms, t.isrc, t.album_id, t.metadata)
                      IS DISTINCT FROM (v.name, v.duration_ms, v.isrc, v.album_id, 'SPOTIFY')
                """)
                .setParameter("ids", ids)
                .setParameter("names", names)
                .setParameter("durations", durations)
                .setParameter("isrcs", isrcs)
                .setParameter("albumIds", albumIds)
                .executeUpdate();

        List<String> trackIds = new ArrayList<>();
        List<String> artistIds = new ArrayList<>();
        List<Short> positions = new ArrayList<>();
        for (TrackRef track : tracks) {
            for (short position = 0; position < track.artists().size(); position++) {
                trackIds.add(track.id());
                artistIds.add(track.artists().get(position).id());
                positions.add(position);
            }
        }
        entityManager
                .createNativeQuery("""
                INSERT INTO track_artists (track_id, artist_id, position)
                SELECT * FROM unnest(CAST(:trackIds AS text[]), CAST(:artistIds AS text[]),
                                     CAST(:positions AS smallint[]))
                ON CONFLICT (track_id, artist_id) DO NOTHING
                """)
                .setParameter("trackIds", trackIds.toArray(String[]::new))
                .setParameter("artistIds", artistIds.toArray(String[]::new))
                .setParameter("positions", positions.toArray(Short[]::new))
                .executeUpdate();
    }

    @SuppressWarnings("unchecked")
    public List<String> artistsWithoutDetails(int limit) {
        return entityManager
                .createNativeQuery("SELECT id FROM artists WHERE details_fetched_at IS NULL ORDER BY id LIMIT :limit")
                .setParameter("limit", limit)
                .getResultList();
    }

    /** Stores what Spotify said; requested artists it did not know are marked fetched too, so they are not asked again. */
    public void saveArtistDetails(List<String> requested, List<ArtistDetails> found, Instant fetchedAt) {
        for (ArtistDetails details : found) {
            entityManager
                    .createNativeQuery("""
                    UPDATE artists SET image_url = :image, genres = CAST(:genres AS text[]), popularity = :popularity,
                        details_fetched_at = :at WHERE id = :id
                    """)
                    .setParameter("image", details.largestImageUrl())
                    .setParameter(
                            "genres",
                            details.genres() == null ? null : details.genres().toArray(String[]::new))
                    .setParameter("popularity", details.popularity())
                    .setParameter("at", java.sql.Timestamp.from(fetchedAt))
                    .setParameter("id", details.id())
                    .executeUpdate();
        }
        entityManager
                .createNativeQuery("""
                UPDATE artists SET details_fetched_at = :at
                WHERE id = ANY(CAST(:ids AS text[])) AND details_fetched_at IS NULL
                """)
                .setParameter("at", java.sql.Timestamp.from(fetchedAt))
                .setParameter("ids", requested.toArray(String[]::new))
                .executeUpdate();
    }
}
