package io.audiospective.emulator.service;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import io.audiospective.emulator.ListeningProfile;
import io.audiospective.emulator.Play;
import io.audiospective.emulator.SyntheticUser;
import io.audiospective.emulator.Track;

/**
 * Listening as a pure function of (world seed, user, hour). Each hour bucket is derived from
 * {@code hash(seed, user, hour)} alone, so any window of history costs only the hours it spans.
 * <p>
 * A session may start in any hour (more likely during the user's local daytime) and last up to a few hours; an
 * hour is active when a session started in it or in one of the few hours before it covers it. Within active
 * time the user streams tracks back to back: favourite artists, repeats of the previous track, discoveries,
 * skips under 30 s (not plays) and partial plays. A stream never crosses its hour bucket, so every stream of
 * bucket {@code h} ends inside {@code [h, h+1)}.
 * <p>
 * With a time scale {@code s} above 1 listening runs in compressed time: emulated hour {@code h} is laid over the
 * real interval {@code [h, h+1) * HOUR_MS / s}, every stream's end mapped into it in proportion (its
 * {@code ms_played} unchanged). A poll every {@code HOUR_MS / s} then finds what an hourly poll would.
 */
public final class ListeningGenerator {

    public static final long HOUR_MS = 3_600_000L;
    private static final int FAVOURITE_ARTISTS = 25;

    private final Catalogue catalogue;
    private final int timeScale;

    /** Listening in real time. */
    public ListeningGenerator(Catalogue catalogue) {
        this(catalogue, 1);
    }

    /** @param timeScale emulated hours per real hour; must divide an hour's milliseconds evenly */
    public ListeningGenerator(Catalogue catalogue, int timeScale) {
        if (timeScale < 1 || HOUR_MS % timeScale != 0) {
            throw new IllegalArgumentException("the time scale must be a positive divisor of 3,600,000 (1, 2, 60, 120,"
                    + " 240, 720, ...), not " + timeScale);
        }
        this.catalogue = catalogue;
        this.timeScale = timeScale;
    }

    /** The real length of one bucket of {@link #streamsInHour}: an hour, divided by the time scale. */
    public long bucketMs() {
        return HOUR_MS / timeScale;
    }

    private record Shape(
            double startDay,
            double startNight,
            int minSessionMin,
            int maxSessionMin,
            double skip,
            double partial,
            int partialMinMs,
            int partialMaxMs,
            double pause,
            int pauseMinMs,
            int pauseMaxMs) {}

    private static final Shape TYPICAL =
            new Shape(0.11, 0.015, 30, 180, 0.12, 0.08, 30_000, 150_000, 0.10, 60_000, 400_000);
    private static final Shape HEAVY = new Shape(0.30, 0.08, 60, 360, 0.10, 0.78, 30_000, 50_000, 0.01, 20_000, 60_000);

    private static Shape shape(ListeningProfile p) {
        return switch (p) {
            case TYPICAL -> TYPICAL;
            case HEAVY -> HEAVY;
            case IDLE -> null;
        };
    }

    public static long userKey(long worldSeed, SyntheticUser user) {
        return Hashing.mix(worldSeed, Hashing.of(user.id()), user.seed());
    }

    private long userKey(SyntheticUser user) {
        return userKey(catalogue.seed(), user);
    }

    /**
     * Every stream (plays and skips) of a user that ended in bucket {@code hour} (real time {@code [hour, hour+1) *
     * bucketMs()}), oldest first.
     */
    public List<Play> streamsInHour(SyntheticUser user, long hour) {
        List<Play> emulated = streamsInEmulatedHour(user, hour);
        if (timeScale == 1 || emulated.isEmpty()) {
            return emulated;
        }
        long hourStart = hour * HOUR_MS;
        long bucketStart = hour * bucketMs();
        List<Play> real = new ArrayList<>(emulated.size());
        for (Play p : emulated) {
            // streams end at least 2 s apart, so at up to 2,000x no two share a millisecond
            real.add(new Play(
                    p.userId(),
                    bucketStart + (p.playedAtMs() - hourStart) / timeScale,
                    p.trackIndex(),
                    p.msPlayed(),
                    p.contextType()));
        }
        return real;
    }

    private List<Play> streamsInEmulatedHour(SyntheticUser user, long hour) {
        Shape s = shape(user.profile());
        if (s == null) {
            return List.of();
        }
        long key = userKey(user);
        long hourStart = hour * HOUR_MS;
        long hourEnd = hourStart + HOUR_MS;
        // active intervals inside this hour, from sessions started in this or earlier hours
        long[] starts = new long[8];
        long[] ends = new long[8];
        int n = 0;
        int lookbackHours = (s.maxSessionMin + 59) / 60;
        for (long k = hour - lookbackHours; k <= hour; k++) {
            long h = Hashing.mix(key, 0x5E55L, k);
            int localHour = (int) Math.floorMod(k + user.utcOffsetHours(), 24L);
            double p = localHour >= 8 ? s.startDay : s.startNight;
            if (Hashing.unit(h) >= p) {
                continue;
            }
            long start = k * HOUR_MS + (long) (Hashing.unit(Hashing.mix(h, 1)) * HOUR_MS);
            long length =
                    (s.minSessionMin + (long) (Hashing.unit(Hashing.mix(h, 2)) * (s.maxSessionMin - s.minSessionMin)))
                            * 60_000L;
            long a = Math.max(start, hourStart);
            long b = Math.min(start + length, hourEnd);
            if (a < b && n < starts.length) {
                starts[n] = a;
                ends[n] = b;
                n++;
            }
        }
        if (n == 0) {
            return List.of();
        }
        // merge overlapping intervals (they come sorted by session start hour, not by start: sort first)
        long[][] iv = new long[n][];
        for (int i = 0; i < n; i++) {
            iv[i] = new long[] {starts[i], ends[i]};
        }
        java.util.Arrays.sort(iv, (x, y) -> Long.compare(x[0], y[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] x : iv) {
            if (!merged.isEmpty() && merged.get(merged.size() - 1)[1] >= x[0]) {
                long[] last = merged.get(merged.size() - 1);
                last[1] = Math.max(last[1], x[1]);
            } else {
                merged.add(x);
            }
        }
        SplittableRandom r = new SplittableRandom(Hashing.mix(key, 0x57EAL, hour));
        int[] favourites = favouriteArtists(key);
        List<Play> out = new ArrayList<>(user.profile() == ListeningProfile.HEAVY ? 72 : 24);
        int previous = -1;
        for (long[] segment : merged) {
            long t = segment[0] + r.nextInt(5_000);
            while (true) {
                int trackIndex = pickTrack(r, favourites, previous);
                Track track = catalogue.track(trackIndex);
                double b = r.nextDouble();
                int ms;
                if (b < s.skip) {
                    ms = 2_000 + r.nextInt(27_000);
                } else if (b < s.skip + s.partial) {
                    int hi = Math.min(track.durationMs(), s.partialMaxMs);
                    ms = s.partialMinMs + r.nextInt(Math.max(1, hi - s.partialMinMs));
                } else {
                    ms = track.durationMs();
                }
                long end = t + ms;
                if (end >= segment[1]) {
                    break;
                }
                String context = r.nextInt(10) < 6 ? "album" : "artist";
                out.add(new Play(user.id(), end, trackIndex, ms, context));
                previous = trackIndex;
                t = end + r.nextInt(2_500);
                if (r.nextDouble() < s.pause) {
                    t += s.pauseMinMs + r.nextInt(s.pauseMaxMs - s.pauseMinMs);
                }
            }
        }
        return out;
    }

    private int[] favouriteArtists(long key) {
        int artists = catalogue.artists().size();
        int[] fav = new int[FAVOURITE_ARTISTS];
        for (int i = 0; i < fav.length; i++) {
            double u = Hashing.unit(Hashing.mix(key, 0xFA, i));
            fav[i] = (int) (artists * Math.pow(u, 2.5));
        }
        return fav;
    }

    private int pickTrack(SplittableRandom r, int[] favourites, int previous) {
        double c = r.nextDouble();
        if (previous >= 0 && c < 0.12) {
            return previous; // repeat
        }
        int artist;
        if (c < 0.80) {
            double u = r.nextDouble();
            artist = favourites[(int) (favourites.length * u * u)];
            int[] tracks = catalogue.tracksOfArtist(artist);
            return tracks[(int) (tracks.length * Math.pow(r.nextDouble(), 1.5))];
        }
        double u = r.nextDouble();
        artist = (int) (catalogue.artists().size() * u * u * u);
        int[] tracks = catalogue.tracksOfArtist(artist);
        return tracks[r.nextInt(tracks.length)];
    }

    /** Counted plays (>= 30 s) whose played_at lies in {@code [fromMs, toMs)}, oldest first. */
    public List<Play> plays(SyntheticUser user, long fromMs, long toMs) {
        return streams(user, fromMs, toMs, false);
    }

    /** Streams (optionally including skips) whose played_at lies in {@code [fromMs, toMs)}, oldest first. */
    public List<Play> streams(SyntheticUser user, long fromMs, long toMs, boolean includeSkips) {
        if (toMs <= fromMs || user.profile() == ListeningProfile.IDLE) {
            return List.of();
        }
        List<Play> out = new ArrayList<>();
        for (long h = Math.floorDiv(fromMs, bucketMs()); h <= Math.floorDiv(toMs - 1, bucketMs()); h++) {
            for (Play p : streamsInHour(user, h)) {
                if (p.playedAtMs() >= fromMs && p.playedAtMs() < toMs && (includeSkips || p.counted())) {
                    out.add(p);
                }
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * When a play becomes visible in recently-played: {@code lag} after it ended, or for a deterministic share
     * of plays (chosen by hash of user and played_at, independent of everything else) up to
     * {@code lateMax} later than that, so they arrive after newer plays.
     */
    public static long visibleAt(Play play, long lagMs, double lateShare, long lateMaxMs) {
        long h = Hashing.mix(Hashing.of(play.userId()), play.playedAtMs(), 0x1A7EL);
        long visible = play.playedAtMs() + lagMs;
        if (lateShare > 0 && Hashing.unit(h) < lateShare) {
            visible += 60_000L + (long) (Hashing.unit(Hashing.mix(h, 9)) * Math.max(0, lateMaxMs - 60_000L));
        }
        return visible;
    }
}
