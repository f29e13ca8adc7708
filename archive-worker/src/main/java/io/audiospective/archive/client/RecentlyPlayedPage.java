package io.audiospective.archive.client;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.TrackRef;

/** The parts of Spotify's recently-played page that are archived. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RecentlyPlayedPage(List<Item> items) {

    public static final int MAX_ITEMS = 50;

    public List<Item> items() {
        return items == null ? List.of() : items;
    }

    public boolean full() {
        return items().size() >= MAX_ITEMS;
    }

    /** The page's plays as archive events; items without a track id (local files) are not archived. */
    public List<PlayEvent> plays(String userId) {
        return items().stream()
                .filter(item -> item.track() != null && item.track().id() != null && item.playedAt() != null)
                .map(item ->
                        PlayEvent.polled(userId, item.playedAt(), item.track().toRef()))
                .toList();
    }

    public Instant oldestPlayedAt() {
        return items().stream()
                .map(Item::playedAt)
                .filter(Objects::nonNull)
                .min(Comparator.naturalOrder())
                .orElse(null);
    }

    public Instant newestPlayedAt() {
        return items().stream()
                .map(Item::playedAt)
                .filter(Objects::nonNull)
                .max(Comparator.naturalOrder())
                .orElse(null);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Item(
            Track track, @JsonProperty("played_at") Instant playedAt) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Track(
            String id,
            String name,
            @JsonProperty("duration_ms") long durationMs,
            @JsonProperty("external_ids") Map<String, String> externalIds,
            Album album,
            List<Artist> artists) {

        TrackRef toRef() {
            String isrc = externalIds == null ? null : externalIds.get("isrc");
            return new TrackRef(
                    id,
                    name,
                    durationMs,
                    isrc,
                    album.toRef(),
                    artists.stream().map(a -> new ArtistRef(a.id(), a.name())).toList());
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    /** The answer of {@code GET /v1/tracks?ids=}: null for ids Spotify does not know. */
    public record Tracks(List<Track> tracks) {}

    public record Album(
            String id,
            String name,
            @JsonProperty("release_date") String releaseDate,
            List<Image> images) {

        AlbumRef toRef() {
            String cover = images == null
                    ? null
                    : images.stream()
                            .max(Comparator.comparing(i -> i.width() == null ? 0 : i.width()))
                            .map(Image::url)
                            .orElse(null);
            return new AlbumRef(id, name, releaseDate, cover);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Artist(String id, String name) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Image(String url, Integer width, Integer height) {}
}
