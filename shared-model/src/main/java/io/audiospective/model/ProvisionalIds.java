package io.audiospective.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Ids of the albums and artists of a {@link TrackRef#provisional() provisional} track: derived from the names an
 * imported history file gives, so every import of every member names the same artist the same way, and never
 * equal to a Spotify id (those are 22 characters of base62; these start with {@value #PREFIX}).
 */
public final class ProvisionalIds {

    public static final String PREFIX = "~";
    private static final int HASH_CHARS = 21;

    private ProvisionalIds() {}

    public static String artist(String artistName) {
        return PREFIX + hash("artist", key(artistName));
    }

    /** Albums are told apart by their artist too: two artists' albums called "Greatest Hits" are two albums. */
    public static String album(String artistName, String albumName) {
        return PREFIX + hash("album", key(artistName) + '\u0000' + key(albumName));
    }

    public static boolean isProvisional(String id) {
        return id != null && id.startsWith(PREFIX);
    }

    /** Names compared as keys: Unicode NFKC, lower case, trimmed, inner whitespace collapsed. */
    static String key(String name) {
        return Normalizer.normalize(name, Normalizer.Form.NFKC)
                .toLowerCase(Locale.ROOT)
                .strip()
                .replaceAll("\\s+", " ");
    }

    private static String hash(String kind, String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((kind + '\u0000' + key).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
