package io.audiospective.archive.repository;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import io.audiospective.archive.client.ArtistDetails;
import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArtistRef;
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

    /** The catalogue's current version of these tracks, with album and artists (in their order), by id. */
    @SuppressWarnings("unchecked")
    public Map<String, TrackRef> tracks(Collection<String> ids) {
        List<Object[]> rows = entityManager.createNativeQuery("""
                SELECT t.id, t.name, t.duration_ms, t.isrc, al.id, al.name, al.release_date, al.image_url,
                       array_agg(ar.id ORDER BY ta.position, ar.id), array_agg(ar.name ORDER BY ta.position, ar.id)
                FROM tracks t JOIN albums al ON al.id = t.album_id
                JOIN track_artists ta ON ta.track_id = t.id JOIN artists ar ON ar.id = ta.artist_id
                WHERE t.id = ANY(CAST(:ids AS text[]))
                GROUP BY t.id, al.id
                """).setParameter("ids", ids.toArray(String[]::new)).getResultList();
        Map<String, TrackRef> tracks = new HashMap<>(rows.size() * 2);
        for (Object[] row : rows) {
            String[] artistIds = (String[]) row[8];
            String[] artistNames = (String[]) row[9];
            List<ArtistRef> artists = new ArrayList<>(artistIds.length);
            for (int i = 0; i < artistIds.length; i++) {
                artists.add(new ArtistRef(artistIds[i], artistNames[i]));
            }
            tracks.put((String) row[0], new TrackRef((String) row[0], (String) row[1], ((Number) row[2]).longValue(),
                    (String) row[3], new AlbumRef((String) row[4], (String) row[5], (String) row[6], (String) row[7]),
                    artists));
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
            public void beforeCompletion() {
            }

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
        entityManager.createNativeQuery("""
                INSERT INTO artists (id, name)
                SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:names AS text[]))
                ON CONFLICT (id) DO NOTHING
                """).setParameter("ids", ids).setParameter("names", names).executeUpdate();
        entityManager.createNativeQuery("""
                UPDATE artists a SET name = v.name
                FROM unnest(CAST(:ids AS text[]), CAST(:names AS text[])) AS v(id, name)
                WHERE a.id = v.id AND a.name IS DISTINCT FROM v.name
                """).setParameter("ids", ids).setParameter("names", names).executeUpdate();
    }

    private void upsertAlbums(Collection<AlbumRef> albums) {
        String[] ids = albums.stream().map(AlbumRef::id).toArray(String[]::new);
        String[] names = albums.stream().map(AlbumRef::name).toArray(String[]::new);
        String[] releaseDates = albums.stream().map(AlbumRef::releaseDate).toArray(String[]::new);
        String[] imageUrls = albums.stream().map(AlbumRef::imageUrl).toArray(String[]::new);
        entityManager.createNativeQuery("""
                INSERT INTO albums (id, name, release_date, image_url)
                SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:names AS text[]),
                                     CAST(:releaseDates AS text[]), CAST(:imageUrls AS text[]))
                ON CONFLICT (id) DO NOTHING
                """).setParameter("ids", ids).setParameter("names", names)
                .setParameter("releaseDates", releaseDates).setParameter("imageUrls", imageUrls).executeUpdate();
        entityManager.createNativeQuery("""
                UPDATE albums a SET name = v.name, release_date = v.release_date, image_url = v.image_url
                FROM unnest(CAST(:ids AS text[]), CAST(:names AS text[]), CAST(:releaseDates AS text[]),
                            CAST(:imageUrls AS text[])) AS v(id, name, release_date, image_url)
                WHERE a.id = v.id
                  AND (a.name, a.release_date, a.image_url) IS DISTINCT FROM (v.name, v.release_date, v.image_url)
                """).setParameter("ids", ids).setParameter("names", names)
                .setParameter("releaseDates", releaseDates).setParameter("imageUrls", imageUrls).executeUpdate();
    }

    private void upsertTracks(Collection<TrackRef> tracks) {
        String[] ids = tracks.stream().map(TrackRef::id).toArray(String[]::new);
        String[] names = tracks.stream().map(TrackRef::name).toArray(String[]::new);
        Long[] durations = tracks.stream().map(TrackRef::durationMs).toArray(Long[]::new);
        String[] isrcs = tracks.stream().map(TrackRef::isrc).toArray(String[]::new);
        String[] albumIds = tracks.stream().map(t -> t.album().id()).toArray(String[]::new);
        entityManager.createNativeQuery("""
                INSERT INTO tracks (id, name, duration_ms, isrc, album_id)
                SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:names AS text[]), CAST(:durations AS bigint[]),
                                     CAST(:isrcs AS text[]), CAST(:albumIds AS text[]))
                ON CONFLICT (id) DO NOTHING
                """).setParameter("ids", ids).setParameter("names", names).setParameter("durations", durations)
                .setParameter("isrcs", isrcs).setParameter("albumIds", albumIds).executeUpdate();
        entityManager.createNativeQuery("""
                UPDATE tracks t SET name = v.name, duration_ms = v.duration_ms, isrc = v.isrc, album_id = v.album_id
                FROM unnest(CAST(:ids AS text[]), CAST(:names AS text[]), CAST(:durations AS bigint[]),
                            CAST(:isrcs AS text[]), CAST(:albumIds AS text[]))
                     AS v(id, name, duration_ms, isrc, album_id)
                WHERE t.id = v.id
                  AND (t.name, t.duration_ms, t.isrc, t.album_id)
                      IS DISTINCT FROM (v.name, v.duration_ms, v.isrc, v.album_id)
                """).setParameter("ids", ids).setParameter("names", names).setParameter("durations", durations)
                .setParameter("isrcs", isrcs).setParameter("albumIds", albumIds).executeUpdate();

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
        entityManager.createNativeQuery("""
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
        return entityManager.createNativeQuery(
                "SELECT id FROM artists WHERE details_fetched_at IS NULL ORDER BY id LIMIT :limit")
                .setParameter("limit", limit).getResultList();
    }

    /** Stores what Spotify said; requested artists it did not know are marked fetched too, so they are not asked again. */
    public void saveArtistDetails(List<String> requested, List<ArtistDetails> found, Instant fetchedAt) {
        for (ArtistDetails details : found) {
            entityManager.createNativeQuery("""
                    UPDATE artists SET image_url = :image, genres = CAST(:genres AS text[]), popularity = :popularity,
                        details_fetched_at = :at WHERE id = :id
                    """)
                    .setParameter("image", details.largestImageUrl())
                    .setParameter("genres", details.genres() == null ? null : details.genres().toArray(String[]::new))
                    .setParameter("popularity", details.popularity())
                    .setParameter("at", java.sql.Timestamp.from(fetchedAt))
                    .setParameter("id", details.id())
                    .executeUpdate();
        }
        entityManager.createNativeQuery("""
                UPDATE artists SET details_fetched_at = :at
                WHERE id = ANY(CAST(:ids AS text[])) AND details_fetched_at IS NULL
                """)
                .setParameter("at", java.sql.Timestamp.from(fetchedAt))
                .setParameter("ids", requested.toArray(String[]::new))
                .executeUpdate();
    }
}
