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
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import io.audiospective.archive.client.ArtistDetails;
import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.ProvisionalIds;
import io.audiospective.model.TrackRef;
import io.audiospective.support.sql.Db;

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

    private final Db db;
    private final TransactionSynchronizationRegistry transactions;
    /**
     * Tracks as this worker last committed them, with their album and artists. Most of a page was on the user's
     * previous page too: a track equal to its remembered version is in the catalogue already and is not written
     * again. Catalogue rows are never deleted, so a remembered track cannot be missing.
     */
    private final Map<String, TrackRef> committed = new ConcurrentHashMap<>();

    CatalogueRepository(Db db, TransactionSynchronizationRegistry transactions) {
        this.db = db;
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
    public Map<String, TrackRef> tracks(Collection<String> ids) {
        List<TrackRef> rows = db.query(
                """
                SELECT t.id, t.name, t.duration_ms, t.isrc, al.id AS album_id, al.name AS album_name, al.release_date,
                       al.image_url, array_agg(ar.id ORDER BY ta.position, ar.id) AS artist_ids,
                       array_agg(ar.name ORDER BY ta.position, ar.id) AS artist_names,
                       t.metadata <> 'SPOTIFY' AS provisional
                FROM tracks t JOIN albums al ON al.id = t.album_id
                JOIN track_artists ta ON ta.track_id = t.id JOIN artists ar ON ar.id = ta.artist_id
                WHERE t.id = ANY(?)
                GROUP BY t.id, al.id
                """,
                rs -> {
                    List<String> artistIds = Db.strings(rs, "artist_ids");
                    List<String> artistNames = Db.strings(rs, "artist_names");
                    List<ArtistRef> artists = new ArrayList<>(artistIds.size());
                    for (int i = 0; i < artistIds.size(); i++) {
                        artists.add(new ArtistRef(artistIds.get(i), artistNames.get(i)));
                    }
                    return new TrackRef(
                            rs.getString("id"),
                            rs.getString("name"),
                            rs.getLong("duration_ms"),
                            rs.getString("isrc"),
                            new AlbumRef(
                                    rs.getString("album_id"),
                                    rs.getString("album_name"),
                                    rs.getString("release_date"),
                                    rs.getString("image_url")),
                            artists,
                            rs.getBoolean("provisional"));
                },
                ids);
        Map<String, TrackRef> tracks = new HashMap<>(rows.size() * 2);
        rows.forEach(track -> tracks.put(track.id(), track));
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
        db.update("""
                INSERT INTO artists (id, name)
                SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS text[]))
                ON CONFLICT (id) DO NOTHING
                """, ids, names);
        db.update("""
                UPDATE artists a SET name = v.name
                FROM unnest(CAST(? AS text[]), CAST(? AS text[])) AS v(id, name)
                WHERE a.id = v.id AND a.name IS DISTINCT FROM v.name
                """, ids, names);
    }

    private void upsertAlbums(Collection<AlbumRef> albums) {
        String[] ids = albums.stream().map(AlbumRef::id).toArray(String[]::new);
        String[] names = albums.stream().map(AlbumRef::name).toArray(String[]::new);
        String[] releaseDates = albums.stream().map(AlbumRef::releaseDate).toArray(String[]::new);
        String[] imageUrls = albums.stream().map(AlbumRef::imageUrl).toArray(String[]::new);
        db.update("""
                INSERT INTO albums (id, name, release_date, image_url)
                SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]))
                ON CONFLICT (id) DO NOTHING
                """, ids, names, releaseDates, imageUrls);
        db.update("""
                UPDATE albums a SET name = v.name, release_date = v.release_date, image_url = v.image_url
                FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]))
                     AS v(id, name, release_date, image_url)
                WHERE a.id = v.id
                  AND (a.name, a.release_date, a.image_url) IS DISTINCT FROM (v.name, v.release_date, v.image_url)
                """, ids, names, releaseDates, imageUrls);
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
        return db.queryOne(
                        """
                        WITH f AS (
                            SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                                                 CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]))
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
                        """,
                        rs -> rs.getInt(1),
                        sorted.stream().map(NamedTrack::id).toArray(String[]::new),
                        sorted.stream().map(NamedTrack::name).toArray(String[]::new),
                        sorted.stream()
                                .map(t -> ProvisionalIds.album(t.artistName(), t.albumName()))
                                .toArray(String[]::new),
                        sorted.stream().map(NamedTrack::albumName).toArray(String[]::new),
                        sorted.stream()
                                .map(t -> ProvisionalIds.artist(t.artistName()))
                                .toArray(String[]::new),
                        sorted.stream().map(NamedTrack::artistName).toArray(String[]::new))
                .orElseThrow();
    }

    /** Spotify does not know the track: it keeps the file's names for good, and its archived plays are settled. */
    public void markUnavailable(String trackId) {
        db.update("""
                WITH marked AS (UPDATE tracks SET metadata = 'UNAVAILABLE' WHERE id = ? AND metadata = 'FILE'
                                RETURNING id)
                INSERT INTO catalogue_described (track_id) SELECT id FROM marked
                ON CONFLICT (track_id) DO UPDATE SET described_at = now()
                """, trackId);
    }

    /**
     * Claims up to {@code limit} tracks known only from files whose plays wait, those with the most waiting plays
     * first, so that the members' most played tracks, artists and albums are complete soonest. Each is claimed for
     * {@code lease}, so that replicas never look one track up twice. Returns their ids in that order.
     */
    public List<String> claimFileTracks(int limit, java.time.Duration lease) {
        // the claim conditions are repeated on the locked row: a replica's claim committed after this statement's
        // snapshot is seen there (the row is re-read once its lock is free), so it is skipped, not claimed twice
        return db.query("""
                WITH waiting AS (
                    SELECT p.track_id, count(*) AS plays
                    FROM import_pending p JOIN tracks t ON t.id = p.track_id
                    WHERE t.metadata = 'FILE'
                    GROUP BY p.track_id),
                chosen AS (
                    SELECT t.id, w.plays FROM tracks t JOIN waiting w ON w.track_id = t.id
                    WHERE t.metadata = 'FILE'
                      AND (t.lookup_claimed_at IS NULL
                           OR t.lookup_claimed_at < now() - CAST(? AS bigint) * interval '1 millisecond')
                    ORDER BY w.plays DESC, t.id LIMIT ?
                    FOR UPDATE OF t SKIP LOCKED),
                claimed AS (
                    UPDATE tracks t SET lookup_claimed_at = now() FROM chosen c WHERE t.id = c.id
                    RETURNING t.id, c.plays)
                SELECT id FROM claimed ORDER BY plays DESC, id
                """, rs -> rs.getString("id"), lease.toMillis(), limit);
    }

    /** Claims of tracks a round had no budget left for: any replica may take them at once. */
    public void releaseClaims(List<String> trackIds) {
        db.update("UPDATE tracks SET lookup_claimed_at = NULL WHERE id = ANY(?)", trackIds);
    }

    private void upsertTracks(Collection<TrackRef> tracks) {
        String[] ids = tracks.stream().map(TrackRef::id).toArray(String[]::new);
        String[] names = tracks.stream().map(TrackRef::name).toArray(String[]::new);
        Long[] durations = tracks.stream().map(TrackRef::durationMs).toArray(Long[]::new);
        String[] isrcs = tracks.stream().map(TrackRef::isrc).toArray(String[]::new);
        String[] albumIds = tracks.stream().map(t -> t.album().id()).toArray(String[]::new);
        db.update("""
                INSERT INTO tracks (id, name, duration_ms, isrc, album_id)
                SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS text[]),
                                     CAST(? AS text[]))
                ON CONFLICT (id) DO NOTHING
                """, ids, names, durations, isrcs, albumIds);
        // a track known only from a file (or not to Spotify's look-up) is described now: its provisional artists go,
        // and its archived imported plays are queued to be published again, complete
        db.update("""
                WITH described AS (SELECT id FROM tracks WHERE id = ANY(?) AND metadata <> 'SPOTIFY'),
                queued AS (INSERT INTO catalogue_described (track_id) SELECT id FROM described
                           ON CONFLICT (track_id) DO UPDATE SET described_at = now())
                DELETE FROM track_artists ta USING described d WHERE ta.track_id = d.id
                """, (Object) ids);
        db.update("""
                UPDATE tracks t SET name = v.name, duration_ms = v.duration_ms, isrc = v.isrc, album_id = v.album_id,
                    metadata = 'SPOTIFY'
                FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS text[]),
                            CAST(? AS text[]))
                     AS v(id, name, duration_ms, isrc, album_id)
                WHERE t.id = v.id
                  AND (t.name, t.duration_ms, t.isrc, t.album_id, t.metadata)
                      IS DISTINCT FROM (v.name, v.duration_ms, v.isrc, v.album_id, 'SPOTIFY')
                """, ids, names, durations, isrcs, albumIds);

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
        db.update("""
                INSERT INTO track_artists (track_id, artist_id, position)
                SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS smallint[]))
                ON CONFLICT (track_id, artist_id) DO NOTHING
                """, trackIds, artistIds, positions.toArray(Short[]::new));
    }

    public List<String> artistsWithoutDetails(int limit) {
        return db.query(
                "SELECT id FROM artists WHERE details_fetched_at IS NULL ORDER BY id LIMIT ?",
                rs -> rs.getString("id"),
                limit);
    }

    /** Stores what Spotify said; requested artists it did not know are marked fetched too, so they are not asked again. */
    public void saveArtistDetails(List<String> requested, List<ArtistDetails> found, Instant fetchedAt) {
        for (ArtistDetails details : found) {
            db.update("""
                    UPDATE artists SET image_url = ?, genres = CAST(? AS text[]), popularity = ?, details_fetched_at = ?
                    WHERE id = ?
                    """, details.largestImageUrl(), details.genres(), details.popularity(), fetchedAt, details.id());
        }
        db.update(
                "UPDATE artists SET details_fetched_at = ? WHERE id = ANY(?) AND details_fetched_at IS NULL",
                fetchedAt,
                requested);
    }
}
