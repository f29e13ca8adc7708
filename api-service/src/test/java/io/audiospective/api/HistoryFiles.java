package io.audiospective.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Spotify history files for import tests, built entry by entry so each entry's line in the file is known. */
final class HistoryFiles {

    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private HistoryFiles() {}

    /** A well-formed track id no earlier run has used: 22 random base62 characters. */
    static String newTrackId() {
        StringBuilder id = new StringBuilder(22);
        for (int i = 0; i < 22; i++) {
            id.append(BASE62.charAt(RANDOM.nextInt(BASE62.length())));
        }
        return id.toString();
    }

    /** One extended-history entry on one line, as a track play with names. */
    static String extended(Object ts, long msPlayed, String trackUri) {
        return "{\"ts\":\"" + ts + "\",\"platform\":\"android\",\"ms_played\":" + msPlayed
                + ",\"conn_country\":\"DE\",\"master_metadata_track_name\":\"Song\","
                + "\"master_metadata_album_artist_name\":\"Artist\",\"master_metadata_album_album_name\":\"Album\","
                + "\"spotify_track_uri\":" + (trackUri == null ? "null" : "\"" + trackUri + "\"")
                + ",\"episode_name\":null,\"spotify_episode_uri\":null,\"reason_start\":\"trackdone\","
                + "\"reason_end\":\"trackdone\",\"shuffle\":false,\"skipped\":false,\"offline\":false,"
                + "\"offline_timestamp\":null,\"incognito_mode\":false}";
    }

    /** One account-data entry ({@code StreamingHistory_music_*.json}) on one line. */
    static String accountData(String endTime, long msPlayed, String trackName) {
        return "{\"endTime\":\"" + endTime + "\",\"artistName\":\"Artist\",\"trackName\":\"" + trackName
                + "\",\"msPlayed\":" + msPlayed + "}";
    }

    /** A file with one entry per line: entry i starts on line i + 2 (the array opens on line 1). */
    static String oneEntryPerLine(List<String> entries) {
        return "[\n" + String.join(",\n", entries) + "\n]";
    }

    /**
     * A file laid out like Spotify's own: every field on a line of its own, indented, so entry i starts on line
     * 2 + i * (fields + 2).
     */
    static String prettyPrinted(List<String> entries) {
        StringBuilder file = new StringBuilder("[\n");
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i);
            file.append("  {\n    ")
                    .append(entry, 1, entry.length() - 1)
                    .append("\n  }")
                    .append(i + 1 < entries.size() ? ",\n" : "\n");
        }
        return file.append("]").toString().replace(",\"", ",\n    \"");
    }

    static byte[] zip(Map<String, String> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (var file : new TreeMap<>(files).entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
