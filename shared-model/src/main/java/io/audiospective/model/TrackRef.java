package io.audiospective.model;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A Spotify track with its album and artists, denormalised so consumers need no catalogue look-up.
 *
 * @param provisional true while the track is known only from an imported history file: its name, album and
 *        artist names are the file's, the album and artist ids are provisional ones derived from those names
 *        ({@link ProvisionalIds}), never Spotify's. A later event of the same play with a complete track replaces
 *        it; a complete track is never replaced by a provisional one. Absent in older messages: false.
 */
public record TrackRef(
        String id,
        String name,
        long durationMs,
        String isrc,
        AlbumRef album,
        List<ArtistRef> artists,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) Boolean provisional) {

    public TrackRef {
        Contracts.requireText(id, "track.id");
        Contracts.requireText(name, "track.name");
        Contracts.requireNotNegative(durationMs, "track.durationMs");
        Contracts.require(album, "track.album");
        artists = Contracts.requireList(artists, "track.artists");
        if (artists.isEmpty()) {
            throw new IllegalArgumentException("track.artists must not be empty");
        }
        provisional = Boolean.TRUE.equals(provisional);
    }

    /** A track as Spotify describes it. */
    public TrackRef(String id, String name, long durationMs, String isrc, AlbumRef album, List<ArtistRef> artists) {
        this(id, name, durationMs, isrc, album, artists, false);
    }
}
