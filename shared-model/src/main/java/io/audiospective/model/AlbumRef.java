package io.audiospective.model;

/**
 * A Spotify album as carried inside a play.
 *
 * @param releaseDate as Spotify gives it: {@code yyyy}, {@code yyyy-MM} or {@code yyyy-MM-dd}; may be null
 * @param imageUrl the largest cover image, may be null
 */
public record AlbumRef(String id, String name, String releaseDate, String imageUrl) {

    public AlbumRef {
        Contracts.requireText(id, "album.id");
        Contracts.requireText(name, "album.name");
    }
}
