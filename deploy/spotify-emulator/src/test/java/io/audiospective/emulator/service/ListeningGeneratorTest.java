package io.audiospective.emulator.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.audiospective.emulator.Album;
import io.audiospective.emulator.ListeningProfile;
import io.audiospective.emulator.Play;
import io.audiospective.emulator.SyntheticUser;
import io.audiospective.emulator.Track;

class ListeningGeneratorTest {

    private static final Catalogue CATALOGUE = Catalogue.generate(7, 1500);
    private static final ListeningGenerator GENERATOR = new ListeningGenerator(CATALOGUE);
    private static final long START_HOUR =
            Instant.parse("2026-03-01T00:00:00Z").toEpochMilli() / ListeningGenerator.HOUR_MS;
    private static final int HOURS = 24 * 30;

    private static SyntheticUser user(String id, ListeningProfile p) {
        return new SyntheticUser(id, "Test User", id + "@x.test", "SE", p, Hashing.of(id), 1);
    }

    @Test
    void catalogueIsLargeAndRealistic() {
        assertThat(CATALOGUE.artists()).hasSize(1500);
        assertThat(CATALOGUE.tracks().size()).isGreaterThan(20_000);
        Pattern id = Pattern.compile("[0-9A-Za-z]{22}");
        Pattern isrc = Pattern.compile("[A-Z]{2}[A-Z0-9]{3}\\d{7}");
        Set<String> ids = new HashSet<>();
        for (Track t : CATALOGUE.tracks()) {
            assertThat(t.id()).matches(id);
            assertThat(t.isrc()).matches(isrc);
            assertThat(t.durationMs()).isBetween(90_000, 480_000);
            assertThat(ids.add(t.id())).isTrue();
            assertThat(CATALOGUE.trackById(t.id())).isSameAs(t);
        }
        for (Album a : CATALOGUE.albums()) {
            String expected = switch (a.releaseDatePrecision()) {
                case "year" -> "\\d{4}";
                case "month" -> "\\d{4}-\\d{2}";
                default -> "\\d{4}-\\d{2}-\\d{2}";
            };
            assertThat(a.releaseDate()).matches(expected);
            assertThat(a.trackIndexes()).isNotEmpty();
            assertThat(ids.add(a.id())).isTrue();
        }
        // same seed, same world; other seed, other world
        assertThat(Catalogue.generate(7, 1500).tracks()).isEqualTo(CATALOGUE.tracks());
        assertThat(Catalogue.generate(8, 1500).track(0).id())
                .isNotEqualTo(CATALOGUE.track(0).id());
    }

    /**
     * In compressed time an emulated hour happens in an hour divided by the scale: a 30 s window at 120x holds the
     * streams an hour holds in real time, same tracks and lengths, their ends mapped into the window in order.
     */
    @Test
    void compressedTimeLaysEachEmulatedHourOverAFractionOfARealOne() {
        ListeningGenerator compressed = new ListeningGenerator(CATALOGUE, 120);
        assertThat(compressed.bucketMs()).isEqualTo(30_000);
        SyntheticUser heavy = user("scale-1", ListeningProfile.HEAVY);
        SyntheticUser typical = user("scale-2", ListeningProfile.TYPICAL);
        long realPlays = 0;
        for (SyntheticUser u : List.of(heavy, typical)) {
            for (long h = START_HOUR; h < START_HOUR + 48; h++) {
                List<Play> hour = GENERATOR.streams(
                        u, h * ListeningGenerator.HOUR_MS, (h + 1) * ListeningGenerator.HOUR_MS, true);
                List<Play> window = compressed.streams(u, h * 30_000, (h + 1) * 30_000, true);
                assertThat(window).hasSameSizeAs(hour);
                for (int i = 0; i < hour.size(); i++) {
                    Play real = hour.get(i);
                    Play fast = window.get(i);
                    assertThat(fast.trackIndex()).isEqualTo(real.trackIndex());
                    assertThat(fast.msPlayed()).isEqualTo(real.msPlayed());
                    assertThat(fast.playedAtMs())
                            .isEqualTo(h * 30_000 + (real.playedAtMs() - h * ListeningGenerator.HOUR_MS) / 120);
                    if (i > 0) {
                        assertThat(fast.playedAtMs())
                                .isGreaterThan(window.get(i - 1).playedAtMs());
                    }
                }
                realPlays += hour.stream().filter(Play::counted).count();
            }
        }
        assertThat(realPlays).as("two days of a heavy and a typical listener").isGreaterThan(50);
    }

    @Test
    void aTimeScaleMustDivideAnHour() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ListeningGenerator(CATALOGUE, 7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("divisor");
    }

    @Test
    void listeningIsDeterministic() {
        SyntheticUser u = user("det-1", ListeningProfile.TYPICAL);
        ListeningGenerator other = new ListeningGenerator(Catalogue.generate(7, 1500));
        long from = START_HOUR * ListeningGenerator.HOUR_MS;
        long to = from + 7 * 24 * ListeningGenerator.HOUR_MS;
        List<Play> a = GENERATOR.streams(u, from, to, true);
        assertThat(a).isNotEmpty().isEqualTo(other.streams(u, from, to, true));
        assertThat(GENERATOR.streams(user("det-2", ListeningProfile.TYPICAL), from, to, true))
                .isNotEqualTo(a);
    }

    @Test
    void idleUsersNeverPlay() {
        SyntheticUser u = user("idle-x", ListeningProfile.IDLE);
        for (long h = START_HOUR; h < START_HOUR + HOURS; h++) {
            assertThat(GENERATOR.streamsInHour(u, h)).isEmpty();
        }
    }

    @Test
    void typicalUsersPlayAboutFifteenAnHourWhileActive() {
        double perActiveHour = playsPerFullyActiveHour(ListeningProfile.TYPICAL, "typ");
        assertThat(perActiveHour).isBetween(12.0, 19.0);
    }

    @Test
    void heavyListenersPlayMoreThanFiftyAnHour() {
        double perActiveHour = playsPerFullyActiveHour(ListeningProfile.HEAVY, "hvy");
        assertThat(perActiveHour).isGreaterThan(50.0);
    }

    /** Mean counted plays over hours in which the user listened all hour long (no start or end of session). */
    private double playsPerFullyActiveHour(ListeningProfile profile, String prefix) {
        long plays = 0;
        long hours = 0;
        for (int i = 0; i < 5; i++) {
            SyntheticUser u = user(prefix + i, profile);
            for (long h = START_HOUR; h < START_HOUR + HOURS; h++) {
                List<Play> s = GENERATOR.streamsInHour(u, h);
                if (s.isEmpty()) {
                    continue;
                }
                long hourStart = h * ListeningGenerator.HOUR_MS;
                Play first = s.get(0);
                Play last = s.get(s.size() - 1);
                boolean full = first.playedAtMs() - first.msPlayed() - hourStart < 10_000
                        && hourStart + ListeningGenerator.HOUR_MS - last.playedAtMs() < 8 * 60_000
                        && noLongGap(s);
                if (full) {
                    hours++;
                    plays += s.stream().filter(Play::counted).count();
                }
            }
        }
        assertThat(hours).isGreaterThan(20);
        return (double) plays / hours;
    }

    private static boolean noLongGap(List<Play> s) {
        for (int i = 1; i < s.size(); i++) {
            long gap =
                    s.get(i).playedAtMs() - s.get(i).msPlayed() - s.get(i - 1).playedAtMs();
            if (gap > 10 * 60_000) {
                return false;
            }
        }
        return true;
    }

    @Test
    void streamsHaveSkipsRepeatsAndStayInsideTheirHour() {
        SyntheticUser u = user("shape-1", ListeningProfile.TYPICAL);
        int skips = 0;
        int repeats = 0;
        int counted = 0;
        for (long h = START_HOUR; h < START_HOUR + HOURS; h++) {
            List<Play> s = GENERATOR.streamsInHour(u, h);
            long previousEnd = Long.MIN_VALUE;
            for (int i = 0; i < s.size(); i++) {
                Play p = s.get(i);
                assertThat(p.playedAtMs())
                        .isGreaterThanOrEqualTo(h * ListeningGenerator.HOUR_MS)
                        .isLessThan((h + 1) * ListeningGenerator.HOUR_MS)
                        .isGreaterThan(previousEnd);
                assertThat(p.msPlayed())
                        .isLessThanOrEqualTo(CATALOGUE.track(p.trackIndex()).durationMs());
                previousEnd = p.playedAtMs();
                if (p.msPlayed() < 30_000) {
                    skips++;
                    assertThat(p.counted()).isFalse();
                } else {
                    counted++;
                }
                if (i > 0 && s.get(i - 1).trackIndex() == p.trackIndex()) {
                    repeats++;
                }
            }
        }
        assertThat(skips).isGreaterThan(10);
        assertThat(repeats).isGreaterThan(10);
        long from = START_HOUR * ListeningGenerator.HOUR_MS;
        List<Play> plays = GENERATOR.plays(u, from, from + HOURS * ListeningGenerator.HOUR_MS);
        assertThat(plays).hasSize(counted).allMatch(p -> p.msPlayed() >= 30_000);
    }

    @Test
    void topListsAreMeaningful() {
        SyntheticUser u = user("top-1", ListeningProfile.TYPICAL);
        long from = START_HOUR * ListeningGenerator.HOUR_MS;
        List<Play> plays = GENERATOR.plays(u, from, from + HOURS * ListeningGenerator.HOUR_MS);
        Map<Integer, Integer> byArtist = new HashMap<>();
        Map<Integer, Integer> byTrack = new HashMap<>();
        for (Play p : plays) {
            byArtist.merge(CATALOGUE.track(p.trackIndex()).artistIndexes().get(0), 1, Integer::sum);
            byTrack.merge(p.trackIndex(), 1, Integer::sum);
        }
        List<Integer> artistCounts = new ArrayList<>(byArtist.values());
        artistCounts.sort(java.util.Comparator.reverseOrder());
        assertThat(byTrack.size()).isGreaterThan(50);
        assertThat(artistCounts.size()).isGreaterThan(20);
        // a clear favourite: the top artist is played far more than the median one
        assertThat(artistCounts.get(0)).isGreaterThan(5 * artistCounts.get(artistCounts.size() / 2));
    }

    @Test
    void aConfiguredShareOfPlaysArrivesLate() {
        SyntheticUser u = user("late-1", ListeningProfile.HEAVY);
        long from = START_HOUR * ListeningGenerator.HOUR_MS;
        List<Play> plays = GENERATOR.plays(u, from, from + 72 * ListeningGenerator.HOUR_MS);
        assertThat(plays.size()).isGreaterThan(500);
        long late = plays.stream()
                .filter(p -> ListeningGenerator.visibleAt(p, 30_000, 0.2, 7_200_000) > p.playedAtMs() + 30_000)
                .count();
        assertThat((double) late / plays.size()).isBetween(0.15, 0.25);
        assertThat(plays)
                .allMatch(p -> ListeningGenerator.visibleAt(p, 30_000, 0, 7_200_000) == p.playedAtMs() + 30_000);
    }

    @Test
    void recentlyPlayedShowsTheNewestFiftyVisiblePlays() {
        SyntheticUser u = user("recent-1", ListeningProfile.HEAVY);
        RecentlyPlayed rp = new RecentlyPlayed(GENERATOR, CATALOGUE);
        long now = (START_HOUR + 24 * 5) * ListeningGenerator.HOUR_MS + 1234;
        RecentlyPlayed.Visibility v = new RecentlyPlayed.Visibility(30_000, 0.1, 7_200_000, 0);
        List<Play> visible = rp.visible(u, now, v, 21L * 24 * ListeningGenerator.HOUR_MS);
        assertThat(visible).hasSize(50);
        List<Play> truth = GENERATOR.plays(u, now - 21L * 24 * ListeningGenerator.HOUR_MS, now + 1).stream()
                .filter(p -> ListeningGenerator.visibleAt(p, 30_000, 0.1, 7_200_000) <= now)
                .sorted(java.util.Comparator.comparingLong(Play::playedAtMs).reversed())
                .limit(50)
                .toList();
        assertThat(visible).isEqualTo(truth);
    }

    @Test
    void removedTracksAreAStableHashChosenShareOfTheCatalogue() {
        int n = CATALOGUE.tracks().size();
        long removed = CATALOGUE.tracks().stream()
                .filter(t -> CATALOGUE.removed(t.index(), 0.2))
                .count();
        assertThat((double) removed / n).isBetween(0.19, 0.21);
        Catalogue again = Catalogue.generate(7, 1500);
        for (Track t : CATALOGUE.tracks()) {
            assertThat(again.removed(t.index(), 0.2)).isEqualTo(CATALOGUE.removed(t.index(), 0.2));
            // a larger share only adds tracks
            if (CATALOGUE.removed(t.index(), 0.1)) {
                assertThat(CATALOGUE.removed(t.index(), 0.2)).isTrue();
            }
            assertThat(CATALOGUE.removed(t.index(), 0)).isFalse();
            assertThat(CATALOGUE.removed(t.index(), 1)).isTrue();
        }
    }

    @Test
    void recentlyPlayedLeavesOutRemovedTracks() {
        SyntheticUser u = user("recent-2", ListeningProfile.HEAVY);
        RecentlyPlayed rp = new RecentlyPlayed(GENERATOR, CATALOGUE);
        long now = (START_HOUR + 24 * 6) * ListeningGenerator.HOUR_MS + 4321;
        long lookback = 21L * 24 * ListeningGenerator.HOUR_MS;
        List<Play> visible = rp.visible(u, now, new RecentlyPlayed.Visibility(30_000, 0, 0, 0.3), lookback);
        assertThat(visible).hasSize(50).noneMatch(p -> CATALOGUE.removed(p.trackIndex(), 0.3));
        List<Play> truth = GENERATOR.plays(u, now - lookback, now + 1).stream()
                .filter(p -> p.playedAtMs() + 30_000 <= now && !CATALOGUE.removed(p.trackIndex(), 0.3))
                .sorted(java.util.Comparator.comparingLong(Play::playedAtMs).reversed())
                .limit(50)
                .toList();
        assertThat(visible).isEqualTo(truth);
        assertThat(rp.visible(u, now, new RecentlyPlayed.Visibility(30_000, 0, 0, 0), lookback))
                .anyMatch(p -> CATALOGUE.removed(p.trackIndex(), 0.3));
    }

    @Test
    void cursorPagingIsExclusiveAndNewestFirst() {
        List<Play> newestFirst = new ArrayList<>();
        for (int i = 10; i >= 1; i--) {
            newestFirst.add(new Play("u", i * 1000L, i, 60_000, "album"));
        }
        assertThat(times(RecentlyPlayed.page(newestFirst, null, null, 3))).containsExactly(10_000L, 9_000L, 8_000L);
        assertThat(times(RecentlyPlayed.page(newestFirst, null, 8_000L, 3))).containsExactly(7_000L, 6_000L, 5_000L);
        assertThat(times(RecentlyPlayed.page(newestFirst, 3_000L, null, 3))).containsExactly(6_000L, 5_000L, 4_000L);
        assertThat(times(RecentlyPlayed.page(newestFirst, 8_000L, null, 50))).containsExactly(10_000L, 9_000L);
        assertThat(RecentlyPlayed.page(newestFirst, 10_000L, null, 50)).isEmpty();
        assertThat(RecentlyPlayed.page(newestFirst, null, 1_000L, 50)).isEmpty();
    }

    private static List<Long> times(List<Play> plays) {
        return plays.stream().map(Play::playedAtMs).toList();
    }
}
