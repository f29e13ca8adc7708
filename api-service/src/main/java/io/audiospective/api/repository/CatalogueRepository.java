package io.audiospective.api.repository;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.model.CatalogueArtist;
import io.audiospective.support.sql.Db;

/**
 * Reads of the read model's catalogue ({@code catalogue_tracks}; {@link ReadModelWriter} writes it from plays) and the
 * artists' details from {@code catalogue.artists} ({@code catalogue_artist_details}, written here).
 */
@ApplicationScoped
public class CatalogueRepository {

    private final Db db;

    CatalogueRepository(Db db) {
        this.db = db;
    }

    /** How many of the given track ids the catalogue knows. */
    public long countKnownTracks(List<String> trackIds) {
        return db.queryOne(
                        "SELECT count(*) FROM catalogue_tracks WHERE track_id = ANY (?)", rs -> rs.getLong(1), trackIds)
                .orElseThrow();
    }

    /**
     * Stores an artist's details unless those stored were fetched later, so a record delivered twice or re-driven
     * late changes nothing. Genres that change take a new {@code change} number ({@link #genresVersion}).
     */
    public void saveArtist(CatalogueArtist artist) {
        db.update("""
                INSERT INTO catalogue_artist_details AS d (artist_id, genres, image_url, fetched_at)
                VALUES (?, CAST(? AS text[]), ?, ?)
                ON CONFLICT (artist_id) DO UPDATE
                SET genres = EXCLUDED.genres, image_url = EXCLUDED.image_url, fetched_at = EXCLUDED.fetched_at,
                    change = CASE WHEN d.genres = EXCLUDED.genres THEN d.change
                                  ELSE nextval('catalogue_artist_details_change') END
                WHERE d.fetched_at <= EXCLUDED.fetched_at
                """, artist.artistId(), artist.genres(), artist.imageUrl(), artist.fetchedAt());
    }

    /** Grows whenever some artist's genres change: answers that depend on genres are cached under it. */
    public long genresVersion() {
        return db.queryOne("SELECT coalesce(max(change), 0) FROM catalogue_artist_details", rs -> rs.getLong(1))
                .orElseThrow();
    }
}
