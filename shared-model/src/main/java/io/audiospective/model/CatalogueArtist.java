package io.audiospective.model;

import java.time.Instant;
import java.util.List;

/**
 * Topic {@value Topics#CATALOGUE_ARTISTS}, key {@code artistId}: what Spotify's artist look-up told the archive about
 * one artist. The topic is compacted, so the latest record per artist is its current details; a consumer replaces
 * what it had for the artist with a record fetched at the same time or later ({@code fetchedAt}), which makes
 * redelivery and re-driven dead letters harmless.
 *
 * @param genres Spotify's genres of the artist, lower case, in Spotify's order, without duplicates; empty when Spotify
 *        gives none (it deprecated them, and many artists have none)
 * @param imageUrl the largest picture of the artist, null when Spotify has none
 * @param fetchedAt when the archive fetched these details
 */
public record CatalogueArtist(
        int schemaVersion, String artistId, List<String> genres, String imageUrl, Instant fetchedAt) {

    public static final int CURRENT_VERSION = 1;

    /** Longer genre names are refused: Spotify's longest are about 40 characters. */
    public static final int MAX_GENRE_LENGTH = 100;

    public CatalogueArtist {
        Contracts.requireVersion(schemaVersion);
        Contracts.requireText(artistId, "artistId");
        Contracts.requireList(genres, "genres");
        Contracts.require(fetchedAt, "fetchedAt");
        for (int i = 0; i < genres.size(); i++) {
            String genre = genres.get(i);
            if (genre.isBlank() || genre.length() > MAX_GENRE_LENGTH) {
                throw new IllegalArgumentException(
                        "genres[" + i + "] must be 1 to " + MAX_GENRE_LENGTH + " characters, not blank");
            }
        }
        genres = genres.stream()
                .map(g -> g.strip().toLowerCase(java.util.Locale.ROOT))
                .distinct()
                .toList();
    }
}
