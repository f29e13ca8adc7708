package io.audiospective.api.repository;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.support.sql.Db;

/** Reads of the read model's catalogue ({@code catalogue_tracks}); {@link ReadModelWriter} writes it. */
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
}
