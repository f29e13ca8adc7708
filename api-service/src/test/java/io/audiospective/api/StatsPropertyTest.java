package io.audiospective.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import io.audiospective.model.PlayEvent;
import io.audiospective.model.Topics;
import io.audiospective.model.TrackRef;
import io.audiospective.model.codec.MessageCodec;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Every statistic equals a brute-force computation over the raw plays, for random histories around DST
 * changes, in zones with DST and with a +05:30 offset, with every play delivered twice (and a third time after a
 * zone change).
 */
@QuarkusTest
class StatsPropertyTest {

    static final Duration SESSION_GAP = Duration.ofMinutes(30);

    @Inject
    Tokens tokens;

    @Inject
    TestTopics topics;

    @Test
    void statsMatchBruteForceAcrossZonesDstAndDuplicates() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<String[]> cases = List.of(
                new String[] {"Europe/Berlin", "Asia/Kolkata"},
                new String[] {"Asia/Kolkata", "America/New_York"},
                new String[] {"America/New_York", "Europe/Berlin"});
        record Case(String user, String token, List<PlayEvent> plays, String zone, String nextZone) {}
        List<Case> runs = new ArrayList<>();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (String[] zones : cases) {
            String user = "prop-" + UUID.randomUUID();
            String token = tokens.user(user);
            setZone(token, zones[0]);
            List<TrackRef> catalogue = Histories.catalogue(random, user.substring(5, 13) + "-");
            List<PlayEvent> plays = Histories.history(random, user, catalogue, 25);
            runs.add(new Case(user, token, plays, zones[0], zones[1]));
            for (PlayEvent play : plays) {
                records.add(new ProducerRecord<>(Topics.PLAYS, user, MessageCodec.encode(play)));
                records.add(new ProducerRecord<>(Topics.PLAYS, user, MessageCodec.encode(play)));
            }
        }
        Collections.shuffle(records, random);
        produce(records);
        for (Case run : runs) {
            awaitPlays(run.token(), run.plays().size());
            verifyEverything("seed " + seed + " " + run.zone(), run.token(), run.plays(), ZoneId.of(run.zone()));
        }
        // A change of zone is reflected in every answer; a third delivery of the same plays changes nothing.
        List<ProducerRecord<String, byte[]>> again = new ArrayList<>();
        for (Case run : runs) {
            setZone(run.token(), run.nextZone());
            run.plays().forEach(p -> again.add(new ProducerRecord<>(Topics.PLAYS, run.user(), MessageCodec.encode(p))));
        }
        produce(again);
        TrackRef markerTrack = Histories.catalogue(random, "m-").get(0);
        // A marker play per user, sent after the re-deliveries on the user's partition: once it is counted, the
        // re-deliveries before it have been processed.
        List<ProducerRecord<String, byte[]>> markers = new ArrayList<>();
        for (Case run : runs) {
            markers.add(new ProducerRecord<>(
                    Topics.PLAYS,
                    run.user(),
                    MessageCodec.encode(
                            PlayEvent.polled(run.user(), Instant.parse("2030-01-01T00:00:00Z"), markerTrack))));
        }
        produce(markers);
        for (Case run : runs) {
            List<PlayEvent> withMarker = new ArrayList<>(run.plays());
            withMarker.add(PlayEvent.polled(run.user(), Instant.parse("2030-01-01T00:00:00Z"), markerTrack));
            awaitPlays(run.token(), withMarker.size());
            verifyEverything(
                    "seed " + seed + " after zone change to " + run.nextZone(),
                    run.token(),
                    withMarker,
                    ZoneId.of(run.nextZone()));
        }
    }

    /**
     * The current streak (consecutive listening days back from today, or from yesterday while today has no play) for
     * a random history of the last 450 days with at most one break, in a +05:45 zone and after a change to a DST zone:
     * runs longer than one page of days (400) are read across pages.
     */
    @Test
    void currentStreakMatchesBruteForceAcrossZones() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String user = "streak-" + UUID.randomUUID();
        String token = tokens.user(user);
        setZone(token, "Asia/Kathmandu");
        List<TrackRef> catalogue = Histories.catalogue(random, user.substring(7, 15) + "-");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        // plays at most 20 hours apart leave no local day out (a day is at least 23 hours); a break of 30 to 80 hours
        // may leave one or more out, and today (or yesterday too) may have no play yet
        int breakAt = random.nextBoolean() ? -1 : 24 * (3 + random.nextInt(440));
        List<PlayEvent> plays = new ArrayList<>();
        for (int hoursBack = random.nextInt(40); hoursBack < 450 * 24; hoursBack += 1 + random.nextInt(20)) {
            if (breakAt >= 0 && hoursBack >= breakAt) {
                hoursBack += 30 + random.nextInt(50);
                breakAt = -1;
            }
            plays.add(PlayEvent.polled(
                    user,
                    now.minus(Duration.ofHours(hoursBack)).minusSeconds(random.nextInt(3600)),
                    catalogue.get(random.nextInt(catalogue.size()))));
        }
        produce(plays.stream()
                .map(p -> new ProducerRecord<>(Topics.PLAYS, user, MessageCodec.encode(p)))
                .toList());
        awaitPlays(token, plays.size());
        verifyCurrentStreak("seed " + seed + " Asia/Kathmandu", token, plays, ZoneId.of("Asia/Kathmandu"));
        setZone(token, "America/New_York");
        verifyCurrentStreak("seed " + seed + " America/New_York", token, plays, ZoneId.of("America/New_York"));
    }

    private static void verifyCurrentStreak(String label, String token, List<PlayEvent> plays, ZoneId zone) {
        java.util.Set<LocalDate> days = new java.util.HashSet<>();
        plays.forEach(p -> days.add(Histories.day(p, zone)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            LocalDate today = LocalDate.now(zone);
            JsonPath streaks = get(token, "/api/v1/me/stats/streaks", Map.of("period", "all"));
            // an answer given across local midnight is checked again
            assertThat(LocalDate.now(zone)).isEqualTo(today);
            LocalDate end = days.contains(today) ? today : today.minusDays(1);
            LocalDate start = end;
            while (days.contains(start.minusDays(1))) {
                start = start.minusDays(1);
            }
            if (days.contains(end)) {
                assertThat(num(streaks.get("currentStreak.days")))
                        .as(label + " current streak")
                        .isEqualTo(end.toEpochDay() - start.toEpochDay() + 1);
                assertThat(streaks.getString("currentStreak.from")).as(label).isEqualTo(start.toString());
                assertThat(streaks.getString("currentStreak.to")).as(label).isEqualTo(end.toString());
            } else {
                assertThat(num(streaks.get("currentStreak.days")))
                        .as(label + " no current streak")
                        .isEqualTo(0L);
            }
        });
    }

    private void verifyEverything(String label, String token, List<PlayEvent> plays, ZoneId zone) {
        List<LocalDate[]> windows = new ArrayList<>();
        windows.add(new LocalDate[] {null, null});
        for (String day : List.of("2025-03-09", "2025-03-30", "2025-10-26", "2025-11-02", "2025-12-31", "2026-01-01")) {
            LocalDate d = LocalDate.parse(day);
            windows.add(new LocalDate[] {d, d});
            windows.add(new LocalDate[] {d.minusDays(3), d.plusDays(2)});
        }
        windows.add(new LocalDate[] {LocalDate.parse("2025-03-01"), LocalDate.parse("2025-03-31")});
        windows.add(new LocalDate[] {LocalDate.parse("2025-01-01"), LocalDate.parse("2025-12-31")});
        // windows read from several tiers (edge days + whole months + whole years): the sums and distinct counts must
        // not count a play twice or miss one at a tier's edge, also where a local day crosses a year boundary
        windows.add(new LocalDate[] {LocalDate.parse("2024-12-15"), LocalDate.parse("2026-01-10")});
        windows.add(new LocalDate[] {LocalDate.parse("2025-02-20"), LocalDate.parse("2025-11-01")});
        windows.add(new LocalDate[] {LocalDate.parse("2025-10-01"), LocalDate.parse("2026-02-28")});
        windows.add(new LocalDate[] {LocalDate.parse("2025-03-10"), LocalDate.parse("2025-12-31")});
        windows.add(new LocalDate[] {LocalDate.parse("2020-01-01"), LocalDate.parse("2031-12-31")});
        // windows over a month long count their distinct items from the days the year rows mark: both edges inside
        // bursts of plays, within one year and across the turn of a year
        windows.add(new LocalDate[] {LocalDate.parse("2025-03-29"), LocalDate.parse("2025-10-25")});
        windows.add(new LocalDate[] {LocalDate.parse("2025-11-02"), LocalDate.parse("2026-01-01")});
        for (LocalDate[] w : windows) {
            String what = label + " window " + w[0] + ".." + w[1];
            Map<String, String> query = new LinkedHashMap<>();
            if (w[0] == null) {
                query.put("period", "all");
            } else {
                query.put("period", "custom");
                query.put("from", w[0].toString());
                query.put("to", w[1].toString());
            }
            List<PlayEvent> inside = Histories.inWindow(plays, zone, w[0], w[1]);
            for (String kind : List.of("tracks", "artists", "albums")) {
                JsonPath top = get(token, "/api/v1/me/stats/top/" + kind, with(query, "limit", "500"));
                var keys = switch (kind) {
                    case "tracks" -> (java.util.function.Function<PlayEvent, java.util.Set<String>>) Histories::track;
                    case "artists" ->
                        (java.util.function.Function<PlayEvent, java.util.Set<String>>) Histories::artists;
                    default -> (java.util.function.Function<PlayEvent, java.util.Set<String>>) Histories::album;
                };
                List<String> expected = Histories.top(inside, keys, 500).stream()
                        .map(t -> t.id() + ":" + t.plays() + ":" + t.ms())
                        .toList();
                List<String> actual = new ArrayList<>();
                List<Map<String, Object>> items = top.getList("items");
                for (Map<String, Object> item : items) {
                    actual.add(item.get("id") + ":" + num(item.get("plays")) + ":" + num(item.get("ms")));
                }
                assertThat(actual).as(what + " top " + kind).isEqualTo(expected);
            }
            JsonPath summary = get(token, "/api/v1/me/stats/summary", query);
            Map<String, Object> expectedSummary = Histories.summary(plays, zone, w[0], w[1]);
            for (Map.Entry<String, Object> e : expectedSummary.entrySet()) {
                assertThat(num(summary.get(e.getKey())))
                        .as(what + " summary " + e.getKey())
                        .isEqualTo(e.getValue());
            }
            JsonPath clock = get(token, "/api/v1/me/stats/clock", query);
            Map<String, String> actualClock = new TreeMap<>();
            List<Map<String, Object>> cells = clock.getList("cells");
            cells.forEach(c -> actualClock.put(
                    c.get("weekday") + "-" + c.get("hour"), num(c.get("plays")) + ":" + num(c.get("ms"))));
            Map<String, String> expectedClock = new TreeMap<>();
            Histories.clock(inside, zone).forEach((k, v) -> expectedClock.put(k, v[0] + ":" + v[1]));
            assertThat(actualClock).as(what + " clock").isEqualTo(expectedClock);
            for (String granularity : List.of("day", "week", "month")) {
                JsonPath timeline = get(token, "/api/v1/me/stats/timeline", with(query, "granularity", granularity));
                Map<String, String> actual = new TreeMap<>();
                List<Map<String, Object>> buckets = timeline.getList("buckets");
                buckets.forEach(b -> actual.put((String) b.get("start"), num(b.get("plays")) + ":" + num(b.get("ms"))));
                Map<String, String> expected = new TreeMap<>();
                Histories.timeline(inside, zone, granularity).forEach((k, v) -> expected.put(k, v[0] + ":" + v[1]));
                assertThat(actual).as(what + " timeline " + granularity).isEqualTo(expected);
            }
            JsonPath streaks = get(token, "/api/v1/me/stats/streaks", query);
            assertThat(num(streaks.get("longestStreak.days")))
                    .as(what + " longest streak")
                    .isEqualTo((long) Histories.longestStreak(inside, zone));
            assertThat(num(streaks.get("listeningDays")))
                    .as(what + " listening days")
                    .isEqualTo(Histories.listeningDays(inside, zone));
            Histories.ExpectedSession session = Histories.longestSession(plays, zone, w[0], w[1], SESSION_GAP);
            if (session == null) {
                assertThat((Object) streaks.get("longestSession"))
                        .as(what + " no session")
                        .isNull();
            } else {
                assertThat(Instant.parse(streaks.getString("longestSession.start")))
                        .as(what + " session start")
                        .isEqualTo(session.start());
                assertThat(num(streaks.get("longestSession.plays")))
                        .as(what + " session plays")
                        .isEqualTo(session.plays());
                assertThat(num(streaks.get("longestSession.ms")))
                        .as(what + " session ms")
                        .isEqualTo(session.ms());
            }
        }
        // Per-item statistics and ranks over all time.
        List<Histories.Total> ranking = Histories.top(plays, Histories::artists, Integer.MAX_VALUE);
        for (int i = 0; i < ranking.size(); i++) {
            Histories.Total artist = ranking.get(i);
            JsonPath item = get(token, "/api/v1/me/stats/artists/" + artist.id(), Map.of());
            assertThat(num(item.get("plays"))).isEqualTo(artist.plays());
            assertThat(num(item.get("rank")))
                    .as(label + " rank of " + artist.id())
                    .isEqualTo(i + 1L);
            Instant first = plays.stream()
                    .filter(p -> Histories.artists(p).contains(artist.id()))
                    .map(PlayEvent::playedAt)
                    .min(Instant::compareTo)
                    .orElseThrow();
            Instant last = plays.stream()
                    .filter(p -> Histories.artists(p).contains(artist.id()))
                    .map(PlayEvent::playedAt)
                    .max(Instant::compareTo)
                    .orElseThrow();
            assertThat(Instant.parse(item.getString("firstPlayedAt"))).isEqualTo(first);
            assertThat(Instant.parse(item.getString("lastPlayedAt"))).isEqualTo(last);
        }
        // Year in review is the same numbers for the year.
        JsonPath year = get(token, "/api/v1/me/stats/year-in-review/2025", Map.of());
        List<PlayEvent> in2025 =
                Histories.inWindow(plays, zone, LocalDate.parse("2025-01-01"), LocalDate.parse("2025-12-31"));
        assertThat(num(year.get("summary.plays"))).isEqualTo((long) in2025.size());
        List<Histories.Total> topTracks = Histories.top(in2025, Histories::track, 5);
        assertThat(year.getList("topTracks.id"))
                .isEqualTo(topTracks.stream().map(Histories.Total::id).toList());
    }

    private static Map<String, String> with(Map<String, String> query, String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(query);
        copy.put(key, value);
        return copy;
    }

    private static Object num(Object value) {
        return value instanceof Number n ? (Object) n.longValue() : value;
    }

    static JsonPath get(String token, String path, Map<String, String> query) {
        return given().auth()
                .oauth2(token)
                .queryParams(query)
                .when()
                .get(path)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    static void setZone(String token, String zone) {
        given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body(Map.of("timeZone", zone))
                .when()
                .put("/api/v1/me/time-zone")
                .then()
                .statusCode(200);
    }

    static void awaitPlays(String token, long count) {
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> ((Number) get(token, "/api/v1/me/stats/summary", Map.of("period", "all"))
                                        .get("plays"))
                                .longValue()
                        == count);
    }

    private void produce(List<ProducerRecord<String, byte[]>> records) {
        topics.sendAll(records);
    }
}
