package io.audiospective.emulator.service;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.audiospective.emulator.Album;
import io.audiospective.emulator.Artist;
import io.audiospective.emulator.Play;
import io.audiospective.emulator.SyntheticUser;
import io.audiospective.emulator.Track;

/**
 * Renders Spotify's JSON shapes. Catalogue objects are rendered once per base URL and kept as strings, so a
 * recently-played page is mostly string concatenation.
 */
@ApplicationScoped
public class SpotifyJson {

    public static final DateTimeFormatter PLAYED_AT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final String OPEN = "https://open.spotify.com/";
    private static final String[] MARKETS = {
        "AR", "AU", "BR", "CA", "DE", "ES", "FR", "GB", "IT", "JP", "KR", "MX", "NG", "NL", "SE", "US"
    };

    private final JsonNodeFactory nodes = JsonNodeFactory.instance;
    private final Map<String, String> cache = new ConcurrentHashMap<>();

    @Inject
    ObjectMapper mapper;

    @Inject
    Catalogue catalogue;

    public String track(String base, int index) {
        return cache.computeIfAbsent("t|" + base + "|" + index, k -> write(trackNode(base, catalogue.track(index))));
    }

    public String artist(String base, int index) {
        return cache.computeIfAbsent("a|" + base + "|" + index, k -> write(artistNode(base, catalogue.artist(index))));
    }

    public String album(String base, int index) {
        return cache.computeIfAbsent("l|" + base + "|" + index, k -> write(albumNode(base, catalogue.album(index))));
    }

    private String context(String base, Play play) {
        Track t = catalogue.track(play.trackIndex());
        boolean album = "album".equals(play.contextType());
        String kind = album ? "album" : "artist";
        String id = album
                ? catalogue.album(t.albumIndex()).id()
                : catalogue.artist(t.artistIndexes().get(0)).id();
        return cache.computeIfAbsent("c|" + base + "|" + kind + "|" + id, k -> {
            ObjectNode c = nodes.objectNode();
            c.put("type", kind);
            c.put("href", base + "/v1/" + kind + "s/" + id);
            c.set("external_urls", externalUrls(kind, id));
            c.put("uri", "spotify:" + kind + ":" + id);
            return write(c);
        });
    }

    /** A batch answer: {@code {"<key>": [obj|null, ...]}}. */
    public String many(String key, List<String> objects) {
        StringBuilder sb = new StringBuilder(objects.size() * 2048)
                .append("{\"")
                .append(key)
                .append("\":[");
        for (int i = 0; i < objects.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(objects.get(i) == null ? "null" : objects.get(i));
        }
        return sb.append("]}").toString();
    }

    /** A recently-played page; an empty page has null cursors and next, as Spotify returns it. */
    public String recentlyPlayed(String base, List<Play> items, int limit, String href, String next) {
        StringBuilder sb = new StringBuilder(256 + items.size() * 3600).append("{\"items\":[");
        for (int i = 0; i < items.size(); i++) {
            Play p = items.get(i);
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"track\":")
                    .append(track(base, p.trackIndex()))
                    .append(",\"played_at\":\"")
                    .append(PLAYED_AT.format(Instant.ofEpochMilli(p.playedAtMs())))
                    .append("\",\"context\":")
                    .append(context(base, p))
                    .append('}');
        }
        sb.append("],\"next\":");
        appendString(sb, next);
        sb.append(",\"cursors\":");
        if (items.isEmpty()) {
            sb.append("null");
        } else {
            sb.append("{\"after\":\"")
                    .append(items.get(0).playedAtMs())
                    .append("\",\"before\":\"")
                    .append(items.get(items.size() - 1).playedAtMs())
                    .append("\"}");
        }
        sb.append(",\"limit\":").append(limit).append(",\"href\":");
        appendString(sb, href);
        return sb.append('}').toString();
    }

    public String me(String base, SyntheticUser user) {
        ObjectNode n = nodes.objectNode();
        n.put("country", user.country());
        n.put("display_name", user.displayName());
        n.put("email", user.email());
        ObjectNode explicit = n.putObject("explicit_content");
        explicit.put("filter_enabled", false);
        explicit.put("filter_locked", false);
        n.set("external_urls", externalUrls("user", user.id()));
        ObjectNode followers = n.putObject("followers");
        followers.putNull("href");
        followers.put("total", (int) Long.remainderUnsigned(Hashing.of(user.id()), 40));
        n.put("href", base + "/v1/users/" + user.id());
        n.put("id", user.id());
        n.putArray("images");
        n.put("product", "premium");
        n.put("type", "user");
        n.put("uri", "spotify:user:" + user.id());
        return write(n);
    }

    /** Spotify's Web API error object. */
    public String error(int status, String message) {
        ObjectNode n = nodes.objectNode();
        ObjectNode e = n.putObject("error");
        e.put("status", status);
        e.put("message", message);
        return write(n);
    }

    private ObjectNode trackNode(String base, Track t) {
        ObjectNode n = nodes.objectNode();
        n.set("album", simplifiedAlbum(base, catalogue.album(t.albumIndex())));
        n.set("artists", artistsOf(base, t.artistIndexes()));
        n.set("available_markets", markets());
        n.put("disc_number", 1);
        n.put("duration_ms", t.durationMs());
        n.put("explicit", t.explicit());
        n.putObject("external_ids").put("isrc", t.isrc());
        n.set("external_urls", externalUrls("track", t.id()));
        n.put("href", base + "/v1/tracks/" + t.id());
        n.put("id", t.id());
        n.put("is_local", false);
        n.put("name", t.name());
        n.put("popularity", t.popularity());
        n.putNull("preview_url");
        n.put("track_number", t.trackNumber());
        n.put("type", "track");
        n.put("uri", "spotify:track:" + t.id());
        return n;
    }

    private ObjectNode simplifiedTrack(String base, Track t) {
        ObjectNode n = nodes.objectNode();
        n.set("artists", artistsOf(base, t.artistIndexes()));
        n.set("available_markets", markets());
        n.put("disc_number", 1);
        n.put("duration_ms", t.durationMs());
        n.put("explicit", t.explicit());
        n.set("external_urls", externalUrls("track", t.id()));
        n.put("href", base + "/v1/tracks/" + t.id());
        n.put("id", t.id());
        n.put("is_local", false);
        n.put("name", t.name());
        n.putNull("preview_url");
        n.put("track_number", t.trackNumber());
        n.put("type", "track");
        n.put("uri", "spotify:track:" + t.id());
        return n;
    }

    private ObjectNode simplifiedAlbum(String base, Album a) {
        ObjectNode n = nodes.objectNode();
        albumBase(base, a, n);
        n.set("artists", artistsOf(base, List.of(a.artistIndex())));
        return n;
    }

    private void albumBase(String base, Album a, ObjectNode n) {
        n.put("album_type", a.albumType());
        n.put("total_tracks", a.trackIndexes().size());
        n.set("available_markets", markets());
        n.set("external_urls", externalUrls("album", a.id()));
        n.put("href", base + "/v1/albums/" + a.id());
        n.put("id", a.id());
        ArrayNode images = n.putArray("images");
        // served by this emulator (rest.ImagesResource), largest first as Spotify lists them
        for (int size : new int[] {640, 300, 64}) {
            images.add(image(base + "/images/albums/" + a.id() + "/" + size + ".svg", size));
        }
        n.put("name", a.name());
        n.put("release_date", a.releaseDate());
        n.put("release_date_precision", a.releaseDatePrecision());
        n.put("type", "album");
        n.put("uri", "spotify:album:" + a.id());
    }

    private ObjectNode albumNode(String base, Album a) {
        ObjectNode n = nodes.objectNode();
        albumBase(base, a, n);
        n.set("artists", artistsOf(base, List.of(a.artistIndex())));
        ObjectNode tracks = n.putObject("tracks");
        tracks.put("href", base + "/v1/albums/" + a.id() + "/tracks?offset=0&limit=50");
        tracks.put("limit", 50);
        tracks.putNull("next");
        tracks.put("offset", 0);
        tracks.putNull("previous");
        tracks.put("total", a.trackIndexes().size());
        ArrayNode items = tracks.putArray("items");
        for (int ti : a.trackIndexes()) {
            items.add(simplifiedTrack(base, catalogue.track(ti)));
        }
        String year = a.releaseDate().substring(0, 4);
        ArrayNode copyrights = n.putArray("copyrights");
        copyrights.addObject().put("text", "\u00a9 " + year + " " + a.label()).put("type", "C");
        copyrights.addObject().put("text", "\u2117 " + year + " " + a.label()).put("type", "P");
        n.putObject("external_ids").put("upc", a.upc());
        ArrayNode genres = n.putArray("genres");
        catalogue.artist(a.artistIndex()).genres().forEach(genres::add);
        n.put("label", a.label());
        n.put("popularity", a.popularity());
        return n;
    }

    private ObjectNode artistNode(String base, Artist a) {
        ObjectNode n = nodes.objectNode();
        n.set("external_urls", externalUrls("artist", a.id()));
        ObjectNode followers = n.putObject("followers");
        followers.putNull("href");
        followers.put("total", a.followers());
        ArrayNode genres = n.putArray("genres");
        a.genres().forEach(genres::add);
        n.put("href", base + "/v1/artists/" + a.id());
        n.put("id", a.id());
        ArrayNode images = n.putArray("images");
        for (int size : new int[] {640, 320, 160}) {
            images.add(image(base + "/images/artists/" + a.id() + "/" + size + ".svg", size));
        }
        n.put("name", a.name());
        n.put("popularity", a.popularity());
        n.put("type", "artist");
        n.put("uri", "spotify:artist:" + a.id());
        return n;
    }

    private ArrayNode artistsOf(String base, List<Integer> indexes) {
        ArrayNode arr = nodes.arrayNode();
        for (int i : indexes) {
            Artist a = catalogue.artist(i);
            ObjectNode n = arr.addObject();
            n.set("external_urls", externalUrls("artist", a.id()));
            n.put("href", base + "/v1/artists/" + a.id());
            n.put("id", a.id());
            n.put("name", a.name());
            n.put("type", "artist");
            n.put("uri", "spotify:artist:" + a.id());
        }
        return arr;
    }

    private ObjectNode image(String url, int size) {
        ObjectNode n = nodes.objectNode();
        n.put("url", url);
        n.put("height", size);
        n.put("width", size);
        return n;
    }

    private ObjectNode externalUrls(String kind, String id) {
        ObjectNode n = nodes.objectNode();
        n.put("spotify", OPEN + kind + "/" + id);
        return n;
    }

    private ArrayNode markets() {
        ArrayNode arr = nodes.arrayNode();
        for (String m : MARKETS) {
            arr.add(m);
        }
        return arr;
    }

    private void appendString(StringBuilder sb, String value) {
        if (value == null) {
            sb.append("null");
        } else {
            try {
                sb.append(mapper.writeValueAsString(value));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public String write(Object node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
