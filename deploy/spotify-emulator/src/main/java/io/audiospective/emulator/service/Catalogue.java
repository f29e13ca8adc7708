package io.audiospective.emulator.service;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.audiospective.emulator.Album;
import io.audiospective.emulator.Artist;
import io.audiospective.emulator.Track;

/**
 * The synthetic catalogue: artists, their albums and tracks, all derived from one seed. Artist index 0 is the
 * most popular; popularity falls with the index, which gives listening a realistic long tail.
 */
public final class Catalogue {

    private static final String[] FIRST = {
        "Nina", "Oskar", "Maya", "Theo", "Lena", "Jonas", "Ava", "Malik", "Sofia", "Elias", "Zoe", "Ravi", "Ines",
        "Hugo", "Yara", "Felix", "Mila", "Kai", "Aurora", "Leon", "June", "Omar", "Clara", "Noah", "Esme", "Tariq",
        "Greta", "Luca", "Ada", "Finn"
    };
    private static final String[] LAST = {
        "Calder",
        "Moreau",
        "Okafor",
        "Lindqvist",
        "Varga",
        "Hale",
        "Santos",
        "Novak",
        "Reyes",
        "Fischer",
        "Ito",
        "Brennan",
        "Kowalski",
        "Amari",
        "Dubois",
        "Marsh",
        "Quinn",
        "Sato",
        "Holm",
        "Castillo",
        "Weber",
        "Byrne",
        "Petrov",
        "Lund",
        "Adeyemi"
    };
    private static final String[] ADJ = {
        "Velvet",
        "Electric",
        "Silent",
        "Golden",
        "Neon",
        "Paper",
        "Midnight",
        "Wild",
        "Hollow",
        "Crystal",
        "Broken",
        "Northern",
        "Faded",
        "Burning",
        "Lunar",
        "Static",
        "Violet",
        "Glass",
        "Distant",
        "Copper",
        "Restless",
        "Secret",
        "Endless",
        "Tidal",
        "Quiet",
        "Scarlet"
    };
    private static final String[] NOUN = {
        "Harbors",
        "Foxes",
        "Engines",
        "Gardens",
        "Satellites",
        "Rivers",
        "Ghosts",
        "Mirrors",
        "Horses",
        "Lanterns",
        "Cities",
        "Waves",
        "Parades",
        "Tigers",
        "Machines",
        "Choirs",
        "Islands",
        "Shadows",
        "Signals",
        "Orchards",
        "Comets",
        "Wolves",
        "Valleys",
        "Bridges"
    };
    private static final String[] WORD = {
        "Love",
        "Night",
        "Fire",
        "Summer",
        "Heart",
        "Rain",
        "Gold",
        "Home",
        "Dreams",
        "Stars",
        "Ocean",
        "Runaway",
        "Sugar",
        "Echo",
        "Shadow",
        "Highway",
        "Paradise",
        "Thunder",
        "Honey",
        "Daylight",
        "Static",
        "Gravity",
        "Bloom",
        "Neon",
        "Winter",
        "Fever",
        "Silence",
        "Wildfire",
        "Satellite",
        "Horizon",
        "Mercury",
        "Velvet",
        "Diamonds",
        "Ghost",
        "Island",
        "Rivers",
        "Electric",
        "Blue"
    };
    private static final String[] PHRASE = {
        "All Night",
        "Come Back",
        "Over Again",
        "In the Dark",
        "For You",
        "Tonight",
        "On My Mind",
        "Slow Down",
        "Let Go",
        "Forever",
        "Like This",
        "No More",
        "Into the Light",
        "Again",
        "With Me",
        "Too Late",
        "Right Now",
        "Goodbye",
        "Alone",
        "Tomorrow"
    };
    private static final String[] GENRES = {
        "indie pop",
        "alt rock",
        "synthwave",
        "deep house",
        "neo soul",
        "hip hop",
        "afrobeats",
        "k-pop",
        "dream pop",
        "techno",
        "folk",
        "jazz fusion",
        "latin pop",
        "drum and bass",
        "country",
        "shoegaze",
        "trap",
        "bossa nova",
        "art pop",
        "lo-fi beats",
        "metalcore",
        "reggaeton"
    };
    private static final String[] COUNTRY = {
        "US", "GB", "SE", "DE", "FR", "NL", "JP", "KR", "BR", "NG", "CA", "AU", "ES", "IT", "MX"
    };
    private static final String[] LABEL_SUFFIX = {"Records", "Music", "Recordings", "Sound", "Audio"};

    private final long seed;
    private final List<Artist> artists;
    private final List<Album> albums;
    private final List<Track> tracks;
    private final List<int[]> tracksByArtist;
    private final Map<String, Artist> artistsById = new HashMap<>();
    private final Map<String, Album> albumsById = new HashMap<>();
    private final Map<String, Track> tracksById = new HashMap<>();
    /** Per track a uniform value in [0, 1): the track counts as removed when it is below the removed share. */
    private final double[] removalRank;

    private Catalogue(
            long seed, List<Artist> artists, List<Album> albums, List<Track> tracks, List<int[]> tracksByArtist) {
        this.seed = seed;
        this.artists = artists;
        this.albums = albums;
        this.tracks = tracks;
        this.tracksByArtist = tracksByArtist;
        artists.forEach(a -> artistsById.put(a.id(), a));
        albums.forEach(a -> albumsById.put(a.id(), a));
        tracks.forEach(t -> tracksById.put(t.id(), t));
        this.removalRank = new double[tracks.size()];
        for (Track t : tracks) {
            removalRank[t.index()] = Hashing.unit(Hashing.mix(seed, 0x4E30EDL, Hashing.of(t.id())));
        }
    }

    public static Catalogue generate(long seed, int artistCount) {
        List<Artist> artists = new ArrayList<>(artistCount);
        List<Album> albums = new ArrayList<>();
        List<Track> tracks = new ArrayList<>();
        List<List<Integer>> byArtist = new ArrayList<>();
        for (int i = 0; i < artistCount; i++) {
            SplittableRandom r = new SplittableRandom(Hashing.mix(seed, 0xA27157L, i));
            String name = r.nextInt(3) == 0
                    ? FIRST[r.nextInt(FIRST.length)] + " " + LAST[r.nextInt(LAST.length)]
                    : "The " + ADJ[r.nextInt(ADJ.length)] + " " + NOUN[r.nextInt(NOUN.length)];
            if (r.nextInt(4) == 0) {
                name = name + " " + (char) ('A' + r.nextInt(26)) + ".";
            }
            int genreCount = 1 + r.nextInt(3);
            List<String> genres = new ArrayList<>();
            while (genres.size() < genreCount) {
                String g = GENRES[r.nextInt(GENRES.length)];
                if (!genres.contains(g)) {
                    genres.add(g);
                }
            }
            // as on Spotify, which deprecated genres, some artists have none: about one in six, decided apart from
            // the draws above so that every other attribute of the catalogue stays as it was
            List<String> artistGenres =
                    Long.remainderUnsigned(Hashing.mix(seed, 0x6E7E5L, i), 6) == 0 ? List.of() : List.copyOf(genres);
            int popularity = Math.max(3, Math.min(100, 92 - (int) (85.0 * i / artistCount) + r.nextInt(9) - 4));
            int followers = (int)
                    Math.min(Integer.MAX_VALUE, (long) popularity * popularity * popularity * 40L + r.nextInt(5000));
            artists.add(new Artist(
                    i,
                    Hashing.spotifyId(seed, Hashing.mix(1, i)),
                    name,
                    artistGenres,
                    popularity,
                    followers,
                    Hashing.hex(seed, Hashing.mix(11, i), 24)));
            byArtist.add(new ArrayList<>());
        }
        String[] countryOfArtist = new String[artistCount];
        for (int i = 0; i < artistCount; i++) {
            countryOfArtist[i] = COUNTRY[(int) Long.remainderUnsigned(Hashing.mix(seed, 0xC0, i), COUNTRY.length)];
        }
        for (Artist artist : artists) {
            SplittableRandom r = new SplittableRandom(Hashing.mix(seed, 0xA1B0L, artist.index()));
            int albumCount = 1 + r.nextInt(4);
            String label = (r.nextInt(3) == 0 ? artist.name().replace("The ", "") : ADJ[r.nextInt(ADJ.length)]) + " "
                    + LABEL_SUFFIX[r.nextInt(LABEL_SUFFIX.length)];
            String registrant =
                    "" + (char) ('A' + r.nextInt(26)) + (char) ('A' + r.nextInt(26)) + (char) ('0' + r.nextInt(10));
            int careerStart = 1965 + (int) (60 * Math.sqrt(r.nextDouble()));
            for (int a = 0; a < albumCount; a++) {
                int albumIndex = albums.size();
                double kind = r.nextDouble();
                String type = kind < 0.6 ? "album" : kind < 0.9 ? "single" : "compilation";
                int trackCount = switch (type) {
                    case "album" -> 8 + r.nextInt(9);
                    case "single" -> 1 + r.nextInt(3);
                    default -> 10 + r.nextInt(11);
                };
                int year = Math.min(2025, careerStart + r.nextInt(Math.max(1, 2026 - careerStart)));
                int month = 1 + r.nextInt(12);
                int day = 1 + r.nextInt(28);
                double p = r.nextDouble();
                String precision = year < 1990 && p < 0.3 ? "year" : p < 0.1 ? "month" : "day";
                String releaseDate = switch (precision) {
                    case "year" -> String.format("%04d", year);
                    case "month" -> String.format("%04d-%02d", year, month);
                    default -> String.format("%04d-%02d-%02d", year, month, day);
                };
                String albumName = type.equals("single")
                        ? null
                        : r.nextBoolean()
                                ? ADJ[r.nextInt(ADJ.length)] + " " + WORD[r.nextInt(WORD.length)]
                                : WORD[r.nextInt(WORD.length)] + " " + PHRASE[r.nextInt(PHRASE.length)];
                if (type.equals("compilation")) {
                    albumName = "The Best of " + artist.name().replace("The ", "");
                }
                List<Integer> trackIndexes = new ArrayList<>(trackCount);
                for (int t = 0; t < trackCount; t++) {
                    int trackIndex = tracks.size();
                    String trackName = switch (r.nextInt(4)) {
                        case 0 -> WORD[r.nextInt(WORD.length)];
                        case 1 -> WORD[r.nextInt(WORD.length)] + " " + PHRASE[r.nextInt(PHRASE.length)];
                        case 2 -> ADJ[r.nextInt(ADJ.length)] + " " + WORD[r.nextInt(WORD.length)];
                        default -> PHRASE[r.nextInt(PHRASE.length)];
                    };
                    if (r.nextInt(12) == 0) {
                        trackName = trackName + " - Remastered " + Math.min(2025, year + 10 + r.nextInt(20));
                    }
                    List<Integer> trackArtists = new ArrayList<>(2);
                    trackArtists.add(artist.index());
                    if (r.nextInt(7) == 0) {
                        int feat = r.nextInt(artistCount);
                        if (feat != artist.index()) {
                            trackArtists.add(feat);
                        }
                    }
                    double g = r.nextGaussian();
                    int duration = (int) Math.max(95_000, Math.min(480_000, 210_000 + g * 50_000));
                    String isrc = countryOfArtist[artist.index()]
                            + registrant
                            + String.format("%02d%05d", year % 100, r.nextInt(100_000));
                    int trackPopularity = Math.max(0, Math.min(100, artist.popularity() - r.nextInt(25)));
                    tracks.add(new Track(
                            trackIndex,
                            Hashing.spotifyId(seed, Hashing.mix(3, trackIndex)),
                            trackName,
                            albumIndex,
                            List.copyOf(trackArtists),
                            duration,
                            t + 1,
                            r.nextInt(6) == 0,
                            isrc,
                            trackPopularity));
                    trackIndexes.add(trackIndex);
                    byArtist.get(artist.index()).add(trackIndex);
                }
                if (albumName == null) {
                    albumName = tracks.get(trackIndexes.get(0)).name();
                }
                String upc = String.format("%06d%06d", r.nextInt(1_000_000), r.nextInt(1_000_000));
                albums.add(new Album(
                        albumIndex,
                        Hashing.spotifyId(seed, Hashing.mix(2, albumIndex)),
                        albumName,
                        type,
                        artist.index(),
                        List.copyOf(trackIndexes),
                        releaseDate,
                        precision,
                        label,
                        upc,
                        Math.max(0, artist.popularity() - r.nextInt(15)),
                        Hashing.hex(seed, Hashing.mix(12, albumIndex), 24)));
            }
        }
        List<int[]> tracksByArtist = new ArrayList<>(artistCount);
        for (List<Integer> l : byArtist) {
            tracksByArtist.add(l.stream().mapToInt(Integer::intValue).toArray());
        }
        return new Catalogue(
                seed,
                Collections.unmodifiableList(artists),
                Collections.unmodifiableList(albums),
                Collections.unmodifiableList(tracks),
                tracksByArtist);
    }

    public long seed() {
        return seed;
    }

    public List<Artist> artists() {
        return artists;
    }

    public List<Album> albums() {
        return albums;
    }

    public List<Track> tracks() {
        return tracks;
    }

    public Artist artist(int index) {
        return artists.get(index);
    }

    public Album album(int index) {
        return albums.get(index);
    }

    public Track track(int index) {
        return tracks.get(index);
    }

    public int[] tracksOfArtist(int artistIndex) {
        return tracksByArtist.get(artistIndex);
    }

    public Artist artistById(String id) {
        return artistsById.get(id);
    }

    public Album albumById(String id) {
        return albumsById.get(id);
    }

    public Track trackById(String id) {
        return tracksById.get(id);
    }

    /**
     * Whether a track counts as removed from Spotify's catalogue when a share {@code removedShare} (0..1) of the
     * catalogue is removed. It depends on the seed and the track id alone, so it is stable across restarts, and a
     * larger share removes a superset of the tracks a smaller one removes.
     */
    public boolean removed(int trackIndex, double removedShare) {
        return removalRank[trackIndex] < removedShare;
    }
}
