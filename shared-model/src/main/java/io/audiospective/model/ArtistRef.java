package io.audiospective.model;

/** A Spotify artist as carried inside a play. */
public record ArtistRef(String id, String name) {

    public ArtistRef {
        Contracts.requireText(id, "artist.id");
        Contracts.requireText(name, "artist.name");
    }
}
