package io.audiospective.emulator.service;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.audiospective.emulator.Album;
import io.audiospective.emulator.Play;
import io.audiospective.emulator.SyntheticUser;
import io.audiospective.emulator.Track;

/**
 * Writes a user's streams (plays and skips) in the format of Spotify's Extended Streaming History
 * ({@code Streaming_History_Audio_*.json}): a JSON array, oldest first, one entry per line. It walks the generator
 * hour by hour and writes as it goes, so an export of years needs no more memory than one hour of listening.
 */
@ApplicationScoped
public class StreamingHistoryExport {

    /** {@code ts}: the end of the stream, to the second, as in Spotify's files. */
    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private static final String[] PLATFORMS = {
        "Android OS 13 API 33 (samsung, SM-S911B)",
        "Android OS 12 API 31 (Google, Pixel 6)",
        "iOS 17.4.1 (iPhone15,2)",
        "iOS 16.6 (iPhone13,2)",
        "windows",
        "osx",
        "linux",
        "web_player windows 10;chrome 124.0.0.0;desktop"
    };
    /** Podcast and audiobook fields: a track's entry has them all null. */
    private static final String[] NON_TRACK_FIELDS = {
        "episode_name",
        "episode_show_name",
        "spotify_episode_uri",
        "audiobook_title",
        "audiobook_uri",
        "audiobook_chapter_uri",
        "audiobook_chapter_title"
    };
    /** A stream starting this soon after the previous one ended follows on from it (autoplay or next button). */
    private static final long FOLLOW_ON_MS = 5_000;
    /** After a pause shorter than this the user pressed play again; after a longer one they chose a track. */
    private static final long RESUME_MS = 15 * 60_000L;

    private static final double SHUFFLE_SHARE = 0.35;
    private static final long UNKNOWN_SALT = 0x0DD1DL;

    @Inject
    Catalogue catalogue;

    @Inject
    ListeningGenerator generator;

    @Inject
    ObjectMapper mapper;

    /** The file name Spotify would give an export of {@code [fromMs, toMs)}, e.g. {@code ..._2019-2021_0.json}. */
    public static String fileName(long fromMs, long toMs) {
        int first = Instant.ofEpochMilli(fromMs).atZone(ZoneOffset.UTC).getYear();
        int last = Instant.ofEpochMilli(Math.max(fromMs, toMs - 1))
                .atZone(ZoneOffset.UTC)
                .getYear();
        return "Streaming_History_Audio_" + (first == last ? "" + first : first + "-" + last) + "_0.json";
    }

    /**
     * Writes every stream of {@code user} whose end lies in {@code [fromMs, toMs)}. A share {@code unknownShare}
     * of the distinct tracks (by hash of the track id) is written under a well-formed id the catalogue does not
     * have, with the track's names, as files name tracks Spotify never served to the app.
     */
    public void write(SyntheticUser user, long fromMs, long toMs, double unknownShare, OutputStream out)
            throws IOException {
        long key = ListeningGenerator.userKey(catalogue.seed(), user);
        String platform = PLATFORMS[(int) Long.remainderUnsigned(Hashing.mix(key, 0x9A7F), PLATFORMS.length)];
        long ip = Hashing.mix(key, 0x1DADD);
        // documentation address ranges (RFC 5737): plausible, never someone's real address
        String ipAddr = new String[] {"192.0.2.", "198.51.100.", "203.0.113."}[(int) Long.remainderUnsigned(ip, 3)]
                + (1 + Long.remainderUnsigned(ip >>> 8, 254));
        Listener listener = new Listener();
        try (JsonGenerator json = mapper.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            json.setPrettyPrinter(new OneEntryPerLine());
            json.writeStartArray();
            // start an hour early: how a stream started depends on the one before it
            long firstHour = Math.floorDiv(fromMs, generator.bucketMs()) - 1;
            long lastHour = Math.floorDiv(toMs - 1, generator.bucketMs());
            for (long hour = firstHour; hour <= lastHour; hour++) {
                boolean shuffle = Hashing.unit(Hashing.mix(key, 0x5F1EL, hour)) < SHUFFLE_SHARE;
                for (Play p : generator.streamsInHour(user, hour)) {
                    Reasons reasons = listener.next(p, catalogue.track(p.trackIndex()));
                    if (p.playedAtMs() >= fromMs && p.playedAtMs() < toMs) {
                        writeEntry(json, user, p, platform, ipAddr, reasons, shuffle, unknownShare);
                    }
                }
            }
            json.writeEndArray();
        }
    }

    private void writeEntry(
            JsonGenerator json,
            SyntheticUser user,
            Play p,
            String platform,
            String ipAddr,
            Reasons reasons,
            boolean shuffle,
            double unknownShare)
            throws IOException {
        Track track = catalogue.track(p.trackIndex());
        Album album = catalogue.album(track.albumIndex());
        json.writeStartObject();
        json.writeStringField("ts", TS.format(Instant.ofEpochMilli(p.playedAtMs())));
        json.writeStringField("platform", platform);
        json.writeNumberField("ms_played", p.msPlayed());
        json.writeStringField("conn_country", user.country());
        json.writeStringField("ip_addr", ipAddr);
        json.writeStringField("master_metadata_track_name", track.name());
        json.writeStringField(
                "master_metadata_album_artist_name",
                catalogue.artist(album.artistIndex()).name());
        json.writeStringField("master_metadata_album_album_name", album.name());
        json.writeStringField("spotify_track_uri", "spotify:track:" + exportedId(track, unknownShare));
        for (String field : NON_TRACK_FIELDS) {
            json.writeNullField(field);
        }
        json.writeStringField("reason_start", reasons.start());
        json.writeStringField("reason_end", reasons.end());
        json.writeBooleanField("shuffle", shuffle);
        json.writeBooleanField("skipped", !p.counted());
        json.writeBooleanField("offline", false);
        json.writeNullField("offline_timestamp");
        json.writeBooleanField("incognito_mode", false);
        json.writeEndObject();
    }

    /** The track's own id, or for a hash-chosen share of tracks a stable id the catalogue does not have. */
    private String exportedId(Track track, double unknownShare) {
        long h = Hashing.mix(catalogue.seed(), UNKNOWN_SALT, Hashing.of(track.id()));
        if (Hashing.unit(h) >= unknownShare) {
            return track.id();
        }
        for (long attempt = 0; ; attempt++) {
            String id = Hashing.spotifyId(h, attempt);
            if (catalogue.trackById(id) == null) {
                return id;
            }
        }
    }

    /** How a stream started and ended, in Spotify's words. */
    private record Reasons(String start, String end) {}

    /** Follows the user's streams in order: how one starts depends on how and when the one before ended. */
    private static final class Listener {
        private Play previous;
        private String previousEnd;

        Reasons next(Play p, Track track) {
            String start = "clickrow";
            if (previous != null) {
                long gap = p.playedAtMs() - p.msPlayed() - previous.playedAtMs();
                start = gap < FOLLOW_ON_MS ? previousEnd : gap < RESUME_MS ? "playbtn" : "clickrow";
            }
            String end = p.msPlayed() >= track.durationMs() ? "trackdone" : "fwdbtn";
            previous = p;
            previousEnd = end;
            return new Reasons(start, end);
        }
    }

    /** Compact entries, one per line, so a line number points at one entry. */
    private static final class OneEntryPerLine extends MinimalPrettyPrinter {

        @Override
        public void beforeArrayValues(JsonGenerator g) throws IOException {
            g.writeRaw('\n');
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(",\n");
        }

        @Override
        public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
            g.writeRaw(nrOfValues > 0 ? "\n]" : "]");
        }
    }
}
