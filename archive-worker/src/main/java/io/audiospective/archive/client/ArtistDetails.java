package io.audiospective.archive.client;

import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** What Spotify tells about an artist beyond the name; genres and popularity may be missing (deprecated). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ArtistDetails(String id, List<RecentlyPlayedPage.Image> images, List<String> genres, Integer popularity) {

    public String largestImageUrl() {
        return images == null
                ? null
                : images.stream()
                        .max(Comparator.comparing(i -> i.width() == null ? 0 : i.width()))
                        .map(RecentlyPlayedPage.Image::url)
                        .orElse(null);
    }

    /** The batch endpoint's answer; unknown ids come back as null entries. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Batch(List<ArtistDetails> artists) {}
}
