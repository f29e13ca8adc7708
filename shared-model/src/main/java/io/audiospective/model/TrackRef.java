package io.audiospective.model;

import java.util.List;

/** A Spotify track with its album and artists, denormalised so consumers need no catalogue look-up. */
public record TrackRef(String id, String name, long durationMs, String isrc, AlbumRef album,
        List<ArtistRef> artists) {

    public TrackRef {
        Contracts.requireText(id, "track.id");
        Contracts.requireText(name, "track.name");
        Contracts.requireNotNegative(durationMs, "track.durationMs");
        Contracts.require(album, "track.album");
        artists = Contracts.requireList(artists, "track.artists");
        if (artists.isEmpty()) {
            throw new IllegalArgumentException("track.artists must not be empty");
        }
    }
}
