package io.audiospective.api.imports;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

import io.audiospective.model.ImportEntry;

/**
 * Reads one Spotify history file entry by entry with Jackson's streaming parser (never the whole file), decides
 * what counts as a play and hands plays to a sink. Rules (see README):
 * <ul>
 * <li>Extended history ({@code Streaming_History_Audio_*.json}, {@code endsong_*.json}): {@code ts} is the END of
 * the stream, the same instant as Spotify's {@code played_at}; a play needs a {@code spotify:track:} URI, at least
 * 30 s played ({@code ms_played}) and not incognito. {@code skipped=true} with 30 s or more is still a play (Spotify
 * counts a stream at 30 s). Podcasts (episode fields), audiobooks and local files (no URI but a track name) are
 * skipped with their reason.</li>
 * <li>Account data ({@code StreamingHistory_music_*.json}: endTime, artistName, trackName, msPlayed): no track id;
 * an entry with both names and at least 30 s is a play sent with its names and the minute ({@code endTime} is
 * minute precision) for the worker to match by name. Podcast entries ({@code podcastName}/{@code episodeName}) and
 * entries without names are skipped with their reason.</li>
 * <li>Either kind: an entry whose values cannot be real ({@link EntryRules}: when it ended, how long it played, a
 * malformed track id) is skipped as {@code invalid: ...}, and the first {@link #REJECTED_EXAMPLES} of them are kept
 * with file and line. Only a file that is not a history file at all (not JSON, wrong shape, a timestamp or number
 * that is not one) fails the upload.</li>
 * </ul>
 */
public final class HistoryFileParser {

    public static final long MIN_MS_PLAYED = 30_000;
    private static final JsonFactory JSON =
            JsonFactory.builder().disable(StreamReadFeature.AUTO_CLOSE_SOURCE).build();
    private static final DateTimeFormatter END_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    /** How many examples of invalid entries an upload keeps (with file and line) next to their counts. */
    public static final int REJECTED_EXAMPLES = 20;

    /** Counts of one pass over an upload (all its files). */
    public static final class Counts {
        private final long maxEntries;
        public long read;
        public long plays;
        public final Map<String, Long> skipped = new TreeMap<>();
        /** The first {@link #REJECTED_EXAMPLES} invalid entries. */
        public final List<RejectedEntry> rejected = new ArrayList<>();

        /** @param maxEntries entries over this many refuse the upload (413) */
        public Counts(long maxEntries) {
            this.maxEntries = maxEntries;
        }

        void skip(String reason) {
            skipped.merge(reason, 1L, Long::sum);
        }

        void reject(RejectedEntry entry) {
            skip(entry.reason());
            if (rejected.size() < REJECTED_EXAMPLES) {
                rejected.add(entry);
            }
        }
    }

    private final String file;
    private final EntryRules rules;
    private final Counts counts;

    private HistoryFileParser(String file, EntryRules rules, Counts counts) {
        this.file = file;
        this.rules = rules;
        this.counts = counts;
    }

    /** Whether a file name (inside a zip or uploaded) is one of the history files this importer reads. */
    public static boolean isHistoryFile(String name) {
        String base = name.substring(name.lastIndexOf('/') + 1);
        return base.endsWith(".json")
                && (base.startsWith("Streaming_History_Audio_")
                        || base.startsWith("endsong")
                        || base.startsWith("StreamingHistory_music_")
                        || base.startsWith("StreamingHistory"));
    }

    /**
     * Reads one file: plays go to {@code plays}, the rest is counted by reason. A file that is not a history file
     * (not JSON, wrong shape) throws {@link ImportFileException}; an upload over the entries limit a 413 problem.
     */
    public static void parse(
            String file, InputStream in, EntryRules rules, Counts counts, Consumer<ImportEntry> plays) {
        new HistoryFileParser(file, rules, counts).parse(in, plays);
    }

    private void parse(InputStream in, Consumer<ImportEntry> plays) {
        try (JsonParser parser = JSON.createParser(in)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new ImportFileException(file, "the file is empty");
            }
            if (first != JsonToken.START_ARRAY) {
                throw new ImportFileException(
                        file, "expected a JSON array of streaming history entries, found " + describe(first));
            }
            int index = 0;
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (token == null) {
                    throw new ImportFileException(file, "the file ends in the middle of the array (truncated?)");
                }
                if (token != JsonToken.START_OBJECT) {
                    throw new ImportFileException(
                            file, "entry " + index + " is " + describe(token) + ", expected an object");
                }
                int line = parser.currentTokenLocation().getLineNr();
                Map<String, Object> fields = readObject(parser);
                if (++counts.read > counts.maxEntries) {
                    throw ImportLimits.tooManyEntries(file, counts.maxEntries);
                }
                ImportEntry play = classify(index, line, fields);
                if (play != null) {
                    counts.plays++;
                    plays.accept(play);
                }
                index++;
            }
            if (parser.nextToken() != null) {
                throw new ImportFileException(file, "unexpected content after the array");
            }
        } catch (JsonParseException e) {
            throw new ImportFileException(
                    file,
                    "not valid JSON (" + e.getOriginalMessage().split("\n")[0] + " at line "
                            + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw new ImportFileException(file, "could not be read: " + e.getMessage());
        }
    }

    private static Map<String, Object> readObject(JsonParser parser) throws IOException {
        Map<String, Object> fields = new java.util.HashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (value) {
                case VALUE_STRING -> fields.put(name, parser.getText());
                // beyond a long (only in garbage): saturated, so the range rules see it as out of range
                case VALUE_NUMBER_INT ->
                    fields.put(
                            name,
                            parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                                    ? (long) parser.getDoubleValue()
                                    : parser.getLongValue());
                case VALUE_NUMBER_FLOAT -> fields.put(name, (long) parser.getDoubleValue());
                case VALUE_TRUE -> fields.put(name, Boolean.TRUE);
                case VALUE_FALSE -> fields.put(name, Boolean.FALSE);
                case VALUE_NULL -> fields.put(name, null);
                default -> {
                    parser.skipChildren();
                    fields.put(name, "<structure>");
                }
            }
        }
        return fields;
    }

    private ImportEntry classify(int index, int line, Map<String, Object> f) {
        if (f.containsKey("ts") && f.containsKey("ms_played")) {
            return extended(index, line, f);
        }
        if (f.containsKey("endTime") && f.containsKey("msPlayed")) {
            return accountData(index, line, f);
        }
        throw new ImportFileException(
                file,
                "not a Spotify streaming history file: entry " + index
                        + " has neither ts/ms_played (extended history) nor endTime/msPlayed (account data); its fields are "
                        + new java.util.TreeSet<>(f.keySet()));
    }

    /**
     * Account data: names only, {@code endTime} the minute the stream ended in (UTC). A play needs 30 s and both
     * names; the worker matches it by name (catalogue and the user's archived plays of that minute).
     */
    private ImportEntry accountData(int index, int line, Map<String, Object> f) {
        Instant endedAt = instant(index, "endTime", f.get("endTime"), true);
        long msPlayed = number(index, "msPlayed", f.get("msPlayed"));
        if (invalid(index, line, rules.endedAt("endTime", endedAt))
                || invalid(index, line, rules.msPlayed("msPlayed", msPlayed))) {
            return null;
        }
        String trackName = text(f.get("trackName"));
        String artistName = text(f.get("artistName"));
        if (text(f.get("episodeName")) != null || text(f.get("podcastName")) != null) {
            counts.skip("podcast");
            return null;
        }
        if (trackName == null || artistName == null) {
            counts.skip("no track name");
            return null;
        }
        if (msPlayed < MIN_MS_PLAYED) {
            counts.skip("under 30 s");
            return null;
        }
        return new ImportEntry(endedAt, msPlayed, null, trackName, artistName, null, null, null, null, null);
    }

    private ImportEntry extended(int index, int line, Map<String, Object> f) {
        Instant endedAt = instant(index, "ts", f.get("ts"), false);
        long msPlayed = number(index, "ms_played", f.get("ms_played"));
        Object offline = f.get("offline_timestamp");
        if (offline != null && number(index, "offline_timestamp", offline) < 0) {
            throw new ImportFileException(file, "entry " + index + ": offline_timestamp is negative");
        }
        if (invalid(index, line, rules.endedAt("ts", endedAt))
                || invalid(index, line, rules.msPlayed("ms_played", msPlayed))) {
            return null;
        }
        String uri = text(f.get("spotify_track_uri"));
        String trackName = text(f.get("master_metadata_track_name"));
        if (text(f.get("spotify_episode_uri")) != null || text(f.get("episode_name")) != null) {
            counts.skip("podcast");
            return null;
        }
        if (text(f.get("audiobook_uri")) != null || text(f.get("audiobook_title")) != null) {
            counts.skip("audiobook");
            return null;
        }
        if (uri == null) {
            counts.skip(trackName != null ? "local file" : "no track id");
            return null;
        }
        if (!uri.startsWith(EntryRules.TRACK_URI_PREFIX)) {
            counts.skip("not a track");
            return null;
        }
        if (invalid(index, line, rules.trackUri(uri))) {
            return null;
        }
        if (Boolean.TRUE.equals(f.get("incognito_mode"))) {
            counts.skip("incognito");
            return null;
        }
        if (msPlayed < MIN_MS_PLAYED) {
            counts.skip("under 30 s");
            return null;
        }
        return new ImportEntry(
                endedAt,
                msPlayed,
                uri,
                trackName,
                text(f.get("master_metadata_album_artist_name")),
                text(f.get("master_metadata_album_album_name")),
                text(f.get("reason_start")),
                text(f.get("reason_end")),
                bool(f.get("skipped")),
                bool(f.get("incognito_mode")));
    }

    /** Whether a rule found the entry invalid ({@code reason} not null); if so it is counted and maybe kept. */
    private boolean invalid(int index, int line, String reason) {
        if (reason == null) {
            return false;
        }
        counts.reject(new RejectedEntry(file, index, line, reason));
        return true;
    }

    private Instant instant(int index, String field, Object value, boolean accountData) {
        if (!(value instanceof String text)) {
            throw new ImportFileException(file, "entry " + index + ": " + field + " is not a timestamp text");
        }
        try {
            return accountData ? LocalDateTime.parse(text, END_TIME).toInstant(ZoneOffset.UTC) : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new ImportFileException(file, "entry " + index + ": " + field + " '" + text + "' is not a timestamp");
        }
    }

    /** A number field: its range is a rule of its own (an invalid entry), not being a number breaks the file. */
    private long number(int index, String field, Object value) {
        if (value instanceof Long number) {
            return number;
        }
        throw new ImportFileException(file, "entry " + index + ": " + field + " is not a number");
    }

    private static String text(Object value) {
        return value instanceof String s && !s.isBlank() ? s : null;
    }

    private static Boolean bool(Object value) {
        return value instanceof Boolean b ? b : null;
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.toString();
        };
    }
}
