package io.audiospective.model;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One line of a Spotify history file, as read by the importer and before the worker decides whether it is a play.
 * Null fields are left out of the JSON (readers see them as null), which keeps chunks of thousands of entries well
 * under Kafka's 1 MB message limit.
 *
 * @param endedAt when the stream ended (Spotify's {@code ts} / {@code endTime}), UTC
 * @param trackUri {@code spotify:track:...}; null in account-data files, which only carry names
 * @param skipped null when the file does not say
 * @param incognito null when the file does not say
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImportEntry(
        Instant endedAt,
        long msPlayed,
        String trackUri,
        String trackName,
        String artistName,
        String albumName,
        String reasonStart,
        String reasonEnd,
        Boolean skipped,
        Boolean incognito) {

    public ImportEntry {
        Contracts.require(endedAt, "endedAt");
        Contracts.requireNotNegative(msPlayed, "msPlayed");
    }
}
