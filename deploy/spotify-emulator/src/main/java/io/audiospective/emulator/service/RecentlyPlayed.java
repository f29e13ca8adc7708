package io.audiospective.emulator.service;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.audiospective.emulator.Play;
import io.audiospective.emulator.SyntheticUser;

/**
 * What {@code GET /me/player/recently-played} shows at a given moment: the 50 most recent plays (by played_at)
 * among those already visible, newest first; cursors are exclusive and page within those 50. Plays of tracks
 * removed from the catalogue are not shown: Spotify no longer serves those tracks anywhere.
 */
public final class RecentlyPlayed {

    public static final int CAPACITY = 50;

    /** Visibility parameters in force for one request. */
    public record Visibility(long lagMs, double lateShare, long lateMaxDelayMs, double removedShare) {

        public static Visibility of(Settings.Snapshot s) {
            return new Visibility(s.visibilityLagMs(), s.lateShare(), s.lateMaxDelayMs(), s.removedShare());
        }
    }

    private final ListeningGenerator generator;
    private final Catalogue catalogue;

    public RecentlyPlayed(ListeningGenerator generator, Catalogue catalogue) {
        this.generator = generator;
        this.catalogue = catalogue;
    }

    /** The plays recently-played can show at {@code nowMs}, newest first, at most 50. */
    public List<Play> visible(SyntheticUser user, long nowMs, Visibility v, long lookbackMs) {
        List<Play> found = new ArrayList<>(CAPACITY + 64);
        long stopHour = Math.floorDiv(nowMs - lookbackMs, generator.bucketMs());
        for (long h = Math.floorDiv(nowMs, generator.bucketMs()); h >= stopHour; h--) {
            List<Play> streams = generator.streamsInHour(user, h);
            for (int i = streams.size() - 1; i >= 0; i--) {
                Play p = streams.get(i);
                if (p.counted()
                        && p.playedAtMs() <= nowMs
                        && !catalogue.removed(p.trackIndex(), v.removedShare())
                        && ListeningGenerator.visibleAt(p, v.lagMs(), v.lateShare(), v.lateMaxDelayMs()) <= nowMs) {
                    found.add(p);
                }
            }
            // buckets are disjoint in played_at and walked newest first: once 50 are found, older buckets
            // cannot contribute
            if (found.size() >= CAPACITY) {
                break;
            }
        }
        found.sort(Comparator.comparingLong(Play::playedAtMs).reversed());
        return found.size() > CAPACITY ? found.subList(0, CAPACITY) : found;
    }

    /**
     * One page: {@code after} returns the {@code limit} plays just after the cursor, {@code before} (or no
     * cursor) the {@code limit} plays just before it; both newest first, both cursors exclusive.
     */
    public static List<Play> page(List<Play> visibleNewestFirst, Long after, Long before, int limit) {
        if (after != null) {
            List<Play> newer = new ArrayList<>();
            for (Play p : visibleNewestFirst) {
                if (p.playedAtMs() > after) {
                    newer.add(p);
                }
            }
            // the oldest `limit` of them, closest to the cursor
            return newer.size() > limit ? newer.subList(newer.size() - limit, newer.size()) : newer;
        }
        List<Play> out = new ArrayList<>(limit);
        for (Play p : visibleNewestFirst) {
            if (before == null || p.playedAtMs() < before) {
                out.add(p);
                if (out.size() == limit) {
                    break;
                }
            }
        }
        return out;
    }
}
