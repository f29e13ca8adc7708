package io.audiospective.archive.repository;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.audiospective.archive.client.ArtistDetails;
import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.TrackRef;

/**
 * Upserts artists, albums and tracks in bulk: one statement per table whatever the number of rows, and
 * {@code ON CONFLICT} so concurrent workers inserting the same track never fail each other. Rows go in id order,
 * so concurrent transactions lock shared rows in the same order and cannot deadlock.
 */
@ApplicationScoped
public class CatalogueRepository {

    private final EntityManager entityManager;

    CatalogueRepository(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    public void upsert(Collection<TrackRef> tracks) {
        if (tracks.isEmpty()) {
            return;
        }
        Map<String, ArtistRef> artists = new TreeMap<>();
        Map<String, AlbumRef> albums = new TreeMap<>();
        Map<String, TrackRef> uniqueTracks = new TreeMap<>();
        for (TrackRef track : tracks) {
            uniqueTracks.put(track.id(), track);
            albums.put(track.album().id(), track.album());
            track.artists().forEach(artist -> artists.put(artist.id(), artist));
        }
        upsertArtists(artists.values());
        upsertAlbums(albums.values());
        upsertTracks(uniqueTracks.values());
    }

    private void upsertArtists(Collection<ArtistRef> artists) {
        entityManager.createNativeQuery("""
                INSERT INTO artists (id, name)
                SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:names AS text[]))
                ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name
                    WHERE artists.name IS DISTINCT FROM EXCLUDED.name
                """)
                .setParameter("ids", artists.stream().map(ArtistRef::id).toArray(String[]::new))
                .setParameter("names", artists.stream().map(ArtistRef::name).toArray(String[]::new))
                .executeUpdate();
    }

    private void upsertAlbums(Collection<AlbumRef> albums) {
        entityManager.createNativeQuery("""
                INSERT INTO albums (id, name, release_date, image_url)
                SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:names AS text[]),
                                     CAST(:releaseDates AS text[]), CAST(:imageUrls AS text[]))
                ON CONFLICT (id) DO UPDATE
                    SET name = EXCLUDED.name, release_date = EXCLUDED.release_date, image_url = EXCLUDED.image_url
                    WHERE (albums.name, albums.release_date, albums.image_url)
                          IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.release_date, EXCLUDED.image_url)
                """)
                .setParameter("ids", albums.stream().map(AlbumRef::id).toArray(String[]::new))
                .setParameter("names", albums.stream().map(AlbumRef::name).toArray(String[]::new))
                .setParameter("releaseDates", albums.stream().map(AlbumRef::releaseDate).toArray(String[]::new))
                .setParameter("imageUrls", albums.stream().map(AlbumRef::imageUrl).toArray(String[]::new))
                .executeUpdate();
    }

    private void upsertTracks(Collection<TrackRef> tracks) {
        entityManager.createNativeQuery("""
                INSERT INTO tracks (id, name, duration_ms, isrc, album_id)
                SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:names AS text[]), CAST(:durations AS bigint[]),
                                     CAST(:isrcs AS text[]), CAST(:albumIds AS text[]))
                ON CONFLICT (id) DO UPDATE
                    SET name = EXCLUDED.name, duration_ms = EXCLUDED.duration_ms, isrc = EXCLUDED.isrc,
                        album_id = EXCLUDED.album_id
                    WHERE (tracks.name, tracks.duration_ms, tracks.isrc, tracks.album_id)
                          IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.duration_ms, EXCLUDED.isrc, EXCLUDED.album_id)
                """)
                .setParameter("ids", tracks.stream().map(TrackRef::id).toArray(String[]::new))
                .setParameter("names", tracks.stream().map(TrackRef::name).toArray(String[]::new))
                .setParameter("durations", tracks.stream().map(TrackRef::durationMs).toArray(Long[]::new))
                .setParameter("isrcs", tracks.stream().map(TrackRef::isrc).toArray(String[]::new))
                .setParameter("albumIds", tracks.stream().map(t -> t.album().id()).toArray(String[]::new))
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
