package io.audiospective.api;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.PlaySource;
import io.audiospective.model.ProvisionalIds;
import io.audiospective.model.TrackRef;

/** Random listening histories and the brute-force answers the API must give for them. */
public final class Histories {

    private Histories() {}

    /** A cover for every album but the fifth, which has none (as some of Spotify's). */
    static String coverOf(String album, int index) {
        return index == 4 ? null : "https://i.scdn.co/image/cover-" + album;
    }

    /** A small catalogue, so that ties and repeats are common. Some tracks have two artists. */
    static List<TrackRef> catalogue(Random random, String prefix) {
        List<TrackRef> tracks = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            String album = prefix + "al" + (i % 5);
            List<ArtistRef> artists =
                    new ArrayList<>(List.of(new ArtistRef(prefix + "ar" + (i % 6), "Artist " + (i % 6))));
            if (i % 4 == 0) {
                artists.add(new ArtistRef(prefix + "ar" + ((i + 1) % 6), "Artist " + ((i + 1) % 6)));
            }
            tracks.add(new TrackRef(
                    prefix + "t" + i,
                    "Track " + i,
                    60_000L * (1 + random.nextInt(4)),
                    null,
                    new AlbumRef(album, "Album " + (i % 5), "2020", coverOf(album, i % 5)),
                    artists));
        }
        return tracks;
    }

    /** Plays in bursts around the spring and autumn DST changes of 2025 and some scattered days. */
    static List<PlayEvent> history(Random random, String user, List<TrackRef> tracks, int bursts) {
        List<Instant> anchors = List.of(
                Instant.parse("2025-03-08T20:00:00Z"),
                Instant.parse("2025-03-29T18:00:00Z"),
                Instant.parse("2025-10-25T19:00:00Z"),
                Instant.parse("2025-11-01T22:00:00Z"),
                Instant.parse("2025-12-31T17:30:00Z"));
        Map<Instant, PlayEvent> plays = new TreeMap<>();
        for (int b = 0; b < bursts; b++) {
            Instant at = anchors.get(random.nextInt(anchors.size()))
                    .plus(Duration.ofMinutes(random.nextInt(60 * 24 * 6) - 60 * 24 * 2));
            int length = 1 + random.nextInt(12);
            for (int i = 0; i < length; i++) {
                TrackRef track = tracks.get(random.nextInt(tracks.size()));
                Instant playedAt = at.plusMillis(random.nextInt(1000));
                plays.put(playedAt, PlayEvent.polled(user, playedAt, track));
                at = at.plus(
                        Duration.ofMinutes(random.nextInt(10) == 0 ? 31 + random.nextInt(60) : 1 + random.nextInt(20)));
            }
        }
        return new ArrayList<>(plays.values());
    }

    /**
     * The play as its imported file names it before Spotify described its track: the track's id and name, the
     * album's name and the first (album) artist's name, under provisional ids.
     */
    public static PlayEvent asFileNamesIt(PlayEvent play) {
        TrackRef track = play.track();
        String artist = track.artists().get(0).name();
        TrackRef named = new TrackRef(
                track.id(),
                track.name(),
                0,
                null,
                new AlbumRef(
                        ProvisionalIds.album(artist, track.album().name()),
                        track.album().name(),
                        null,
                        null),
                List.of(new ArtistRef(ProvisionalIds.artist(artist), artist)),
                true);
        return new PlayEvent(
                1, play.userId(), play.playedAt(), named, play.msPlayed(), PlaySource.IMPORT, play.importId());
    }

    record Total(String id, long plays, long ms) {}

    static LocalDate day(PlayEvent play, ZoneId zone) {
        return play.playedAt().atZone(zone).toLocalDate();
    }

    static List<PlayEvent> inWindow(List<PlayEvent> plays, ZoneId zone, LocalDate from, LocalDate to) {
        return plays.stream()
                .filter(p -> from == null
                        || (!day(p, zone).isBefore(from) && !day(p, zone).isAfter(to)))
                .toList();
    }

    static List<Total> top(List<PlayEvent> plays, Function<PlayEvent, Set<String>> keys, int limit) {
        Map<String, long[]> totals = new HashMap<>();
        for (PlayEvent play : plays) {
            for (String key : keys.apply(play)) {
                long[] t = totals.computeIfAbsent(key, k -> new long[2]);
                t[0]++;
                t[1] += play.msPlayed();
            }
        }
        return totals.entrySet().stream()
                .map(e -> new Total(e.getKey(), e.getValue()[0], e.getValue()[1]))
                .sorted(Comparator.comparingLong(Total::plays)
                        .reversed()
                        .thenComparing(Comparator.comparingLong(Total::ms).reversed())
                        .thenComparing(Total::id))
                .limit(limit)
                .toList();
    }

    static Set<String> track(PlayEvent p) {
        return Set.of(p.track().id());
    }

    static Set<String> album(PlayEvent p) {
        return Set.of(p.track().album().id());
    }

    static Set<String> artists(PlayEvent p) {
        Set<String> ids = new LinkedHashSet<>();
        p.track().artists().forEach(a -> ids.add(a.id()));
        return ids;
    }

    /** weekday-hour -> {plays, ms} */
    static Map<String, long[]> clock(List<PlayEvent> plays, ZoneId zone) {
        Map<String, long[]> cells = new TreeMap<>();
        for (PlayEvent play : plays) {
            ZonedDateTime local = play.playedAt().atZone(zone);
            long[] c = cells.computeIfAbsent(local.getDayOfWeek().getValue() + "-" + local.getHour(), k -> new long[2]);
            c[0]++;
            c[1] += play.msPlayed();
        }
        return cells;
    }

    static Map<String, long[]> timeline(List<PlayEvent> plays, ZoneId zone, String granularity) {
        Map<String, long[]> buckets = new TreeMap<>();
        for (PlayEvent play : plays) {
            LocalDate day = day(play, zone);
            LocalDate start = switch (granularity) {
                case "week" -> day.minusDays(day.getDayOfWeek().getValue() - 1L);
                case "month" -> day.withDayOfMonth(1);
                default -> day;
            };
            long[] b = buckets.computeIfAbsent(start.toString(), k -> new long[2]);
            b[0]++;
            b[1] += play.msPlayed();
        }
        return buckets;
    }

    static int longestStreak(List<PlayEvent> plays, ZoneId zone) {
        TreeSet<LocalDate> days = new TreeSet<>();
        plays.forEach(p -> days.add(day(p, zone)));
        int best = 0;
        int run = 0;
        LocalDate previous = null;
        for (LocalDate day : days) {
            run = previous != null && day.equals(previous.plusDays(1)) ? run + 1 : 1;
            best = Math.max(best, run);
            previous = day;
        }
        return best;
    }

    static long listeningDays(List<PlayEvent> plays, ZoneId zone) {
        return plays.stream().map(p -> day(p, zone)).distinct().count();
    }

    /** A listening session: its first play's time, its plays and their ms. */
    record ExpectedSession(Instant start, long plays, long ms) {
        ExpectedSession plus(PlayEvent play) {
            return new ExpectedSession(start, plays + 1, ms + play.msPlayed());
        }
    }

    /** The session with most ms starting in the window (sessions over ALL plays), or null. */
    static ExpectedSession longestSession(
            List<PlayEvent> all, ZoneId zone, LocalDate from, LocalDate to, Duration gap) {
        List<PlayEvent> sorted =
                all.stream().sorted(Comparator.comparing(PlayEvent::playedAt)).toList();
        List<ExpectedSession> sessions = new ArrayList<>();
        Instant last = null;
        for (PlayEvent play : sorted) {
            if (sessions.isEmpty() || Duration.between(last, play.playedAt()).compareTo(gap) > 0) {
                sessions.add(new ExpectedSession(play.playedAt(), 0, 0));
            }
            sessions.set(sessions.size() - 1, sessions.get(sessions.size() - 1).plus(play));
            last = play.playedAt();
        }
        return sessions.stream()
                .filter(s -> from == null
                        || (!s.start().atZone(zone).toLocalDate().isBefore(from)
                                && !s.start().atZone(zone).toLocalDate().isAfter(to)))
                .min(Comparator.comparingLong((ExpectedSession s) -> -s.ms()).thenComparing(ExpectedSession::start))
                .orElse(null);
    }

    static Map<String, Object> summary(List<PlayEvent> all, ZoneId zone, LocalDate from, LocalDate to) {
        List<PlayEvent> window = inWindow(all, zone, from, to);
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("plays", (long) window.size());
        expected.put("ms", window.stream().mapToLong(PlayEvent::msPlayed).sum());
        expected.put(
                "distinctTracks",
                window.stream().map(p -> p.track().id()).distinct().count());
        expected.put(
                "distinctArtists",
                window.stream().flatMap(p -> artists(p).stream()).distinct().count());
        expected.put(
                "distinctAlbums",
                window.stream().map(p -> p.track().album().id()).distinct().count());
        Map<String, Instant> firsts = new HashMap<>();
        for (PlayEvent play : all) {
            for (String artist : artists(play)) {
                firsts.merge(artist, play.playedAt(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        Instant start = from == null ? null : from.atStartOfDay(zone).toInstant();
        Instant end = to == null ? null : to.plusDays(1).atStartOfDay(zone).toInstant();
        expected.put(
                "artistsDiscovered",
                firsts.values().stream()
                        .filter(f -> start == null || (!f.isBefore(start) && f.isBefore(end)))
                        .count());
        return expected;
    }
}
