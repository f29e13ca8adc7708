package io.audiospective.api.bench;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.audiospective.api.StatsWindow;
import io.audiospective.api.repository.StatsRepository.Kind;
import io.audiospective.api.repository.StatsRepository.TrackFilter;
import io.audiospective.api.service.ReadModelService;
import io.audiospective.api.service.StatsService;
import io.audiospective.api.service.StatsService.UserView;
import io.audiospective.support.sql.Db;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Not a test: a benchmark, run on demand with {@code ../mvnw verify -Dbenchmark=true -Dtest=StatsBenchmark}. Loads
 * 500,000 plays for one user (zone Asia/Kolkata) and prints p50/p99 of every statistics query (top tracks, artists
 * and albums, summary, clock, timeline, streaks) as the service computes it, uncached, for all time, a year, a month
 * and a custom 90-day window, each next to the same answer as a plain GROUP BY over the raw plays, measured in the
 * same run against the same database.
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class StatsBenchmark {

    static final int PLAYS = 500_000;

    @Inject
    Db db;

    @Inject
    ReadModelService readModel;

    @Inject
    StatsService stats;

    @Test
    void benchmark() {
        String user = "bench-" + UUID.randomUUID();
        String zone = "Asia/Kolkata";
        long loadStart = System.nanoTime();
        QuarkusTransaction.requiringNew().run(() -> {
            db.update("INSERT INTO user_settings (user_id, time_zone) VALUES (?, ?)", user, zone);
            db.update("""
                    INSERT INTO plays (user_id, played_at, track_id, track_name, album_id, album_name, artist_ids,
                                       artist_names, ms_played, source)
                    SELECT ?, timestamptz '2021-01-01 00:00:00+00' + make_interval(secs => i * 300 + (i * 7919) % 240),
                           'bt' || (i * 7919) % 5000, 'Track', 'bal' || ((i * 7919) % 5000) % 1500, 'Album',
                           ARRAY['bar' || ((i * 7919) % 5000) % 800], ARRAY['Artist'], 120000 + (i % 120) * 1000, 'POLL'
                    FROM generate_series(CAST(1 AS bigint), CAST(? AS bigint)) AS i
                    """, user, PLAYS);
        });
        readModel.rebuildUser(user);
        // one to three of 20 genres for four artists in five (the others none), as catalogue.artists gives them
        db.update("""
                INSERT INTO catalogue_artist_details (artist_id, genres, fetched_at)
                SELECT 'bar' || a, ARRAY(SELECT 'genre ' || ((a * 31 + g * 7) % 20) FROM generate_series(0, a % 3) g),
                       now()
                FROM generate_series(0, 799) a WHERE a % 5 <> 0
                ON CONFLICT (artist_id) DO NOTHING
                """);
        // as autovacuum leaves settled rows: all-visible, so reads of the rollups are index-only scans
        db.update("VACUUM ANALYZE");
        System.out.printf(
                Locale.ROOT,
                "%nLoaded %,d plays (2021-2025) and built rollups in %.1f s%n",
                PLAYS,
                (System.nanoTime() - loadStart) / 1e9);

        UserView view = stats.user(user);
        ZoneId zoneId = ZoneId.of(zone);
        record Window(String name, StatsWindow window, String filter, int raw) {}
        List<Window> windows = List.of(
                new Window("all time", new StatsWindow("all", null, null, zoneId), "", 5),
                new Window(
                        "year 2024",
                        new StatsWindow("year", LocalDate.of(2024, 1, 1), LocalDate.of(2024, 12, 31), zoneId),
                        filter(zoneId, LocalDate.of(2024, 1, 1), LocalDate.of(2025, 1, 1)),
                        10),
                new Window(
                        "month 2024-06",
                        new StatsWindow("month", LocalDate.of(2024, 6, 1), LocalDate.of(2024, 6, 30), zoneId),
                        filter(zoneId, LocalDate.of(2024, 6, 1), LocalDate.of(2024, 7, 1)),
                        20),
                new Window(
                        "custom 90 days",
                        new StatsWindow("custom", LocalDate.of(2024, 3, 15), LocalDate.of(2024, 6, 12), zoneId),
                        filter(zoneId, LocalDate.of(2024, 3, 15), LocalDate.of(2024, 6, 13)),
                        20));

        List<String> rows = new ArrayList<>();
        for (Window w : windows) {
            StatsWindow window = w.window();
            String f = w.filter();
            rows.add(measure("top tracks, " + w.name(), 100, () -> stats.top(view, Kind.TRACKS, window, 10)));
            rows.add(measure(
                    "  raw GROUP BY",
                    w.raw(),
                    () -> db.query(
                            "SELECT track_id, count(*), sum(ms_played)" + " FROM plays WHERE user_id = ?" + f
                                    + " GROUP BY 1 ORDER BY 2 DESC, 3 DESC, 1 LIMIT 10",
                            rs -> rs.getString(1),
                            user)));
            rows.add(measure("top artists, " + w.name(), 100, () -> stats.top(view, Kind.ARTISTS, window, 10)));
            rows.add(measure(
                    "  raw GROUP BY",
                    w.raw(),
                    () -> db.query(
                            "SELECT a, count(*), sum(ms_played)"
                                    + " FROM plays, unnest(artist_ids) a WHERE user_id = ?" + f
                                    + " GROUP BY 1 ORDER BY 2 DESC, 3 DESC, 1 LIMIT 10",
                            rs -> rs.getString(1),
                            user)));
            rows.add(measure("top genres, " + w.name(), 100, () -> stats.topGenres(view, window, 10)));
            rows.add(measure(
                    "top tracks of a genre, " + w.name(),
                    100,
                    () -> stats.top(view, Kind.TRACKS, new TrackFilter(null, null, "genre 3"), window, 10)));
            rows.add(measure(
                    "top artists of a genre, " + w.name(),
                    100,
                    () -> stats.top(view, Kind.ARTISTS, new TrackFilter(null, null, "genre 3"), window, 10)));
            rows.add(measure("top albums, " + w.name(), 100, () -> stats.top(view, Kind.ALBUMS, window, 10)));
            rows.add(measure(
                    "  raw GROUP BY",
                    w.raw(),
                    () -> db.query(
                            "SELECT album_id, count(*), sum(ms_played)" + " FROM plays WHERE user_id = ?" + f
                                    + " GROUP BY 1 ORDER BY 2 DESC, 3 DESC, 1 LIMIT 10",
                            rs -> rs.getString(1),
                            user)));
            rows.add(measure("summary, " + w.name(), 100, () -> stats.summary(view, window)));
            rows.add(measure(
                    "  raw GROUP BY",
                    w.raw(),
                    () -> db.query(
                            "SELECT count(*), sum(ms_played),"
                                    + " count(DISTINCT track_id), count(DISTINCT album_id), (SELECT count(DISTINCT a)"
                                    + " FROM plays p, unnest(p.artist_ids) a WHERE p.user_id = ?" + f
                                    + ") FROM plays WHERE user_id = ?"
                                    + f,
                            rs -> rs.getLong(1),
                            user,
                            user)));
            rows.add(measure("clock, " + w.name(), 100, () -> stats.clock(view, window)));
            rows.add(measure(
                    "  raw GROUP BY",
                    w.raw(),
                    () -> db.query(
                            "SELECT EXTRACT(ISODOW FROM played_at AT TIME"
                                    + " ZONE ?), EXTRACT(HOUR FROM played_at AT TIME ZONE ?), count(*), sum(ms_played) FROM plays"
                                    + " WHERE user_id = ?" + f + " GROUP BY 1, 2",
                            rs -> rs.getLong(3),
                            zone,
                            zone,
                            user)));
            rows.add(measure("timeline (day), " + w.name(), 100, () -> stats.timeline(view, window, "day")));
            rows.add(measure(
                    "  raw GROUP BY",
                    w.raw(),
                    () -> db.query(
                            "SELECT (played_at AT TIME ZONE ?)::date,"
                                    + " count(*), sum(ms_played) FROM plays WHERE user_id = ?" + f
                                    + " GROUP BY 1 ORDER BY 1",
                            rs -> rs.getLong(2),
                            zone,
                            user)));
            rows.add(measure("streaks, " + w.name(), 100, () -> stats.streaks(view, window)));
            rows.add(measure(
                    "  raw GROUP BY",
                    w.raw(),
                    () -> db.query(
                            "SELECT DISTINCT (played_at AT TIME ZONE ?)::date" + " FROM plays WHERE user_id = ?" + f
                                    + " ORDER BY 1",
                            rs -> rs.getObject(1),
                            zone,
                            user)));
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%-32s %6s %10s %10s%n", "query (500k plays)", "runs", "p50 ms", "p99 ms");
        rows.forEach(System.out::println);
        System.out.println();
        readModel.purge(user, java.time.Instant.now(), null);
    }

    private static String measure(String name, int runs, Supplier<Object> query) {
        for (int i = 0; i < Math.max(2, runs / 10); i++) {
            query.get();
        }
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            query.get();
            times.add((System.nanoTime() - start) / 1e6);
        }
        Collections.sort(times);
        double p50 = times.get((int) Math.ceil(0.50 * runs) - 1);
        double p99 = times.get((int) Math.ceil(0.99 * runs) - 1);
        return String.format(Locale.ROOT, "%-32s %6d %10.2f %10.2f", name, runs, p50, p99);
    }

    /** The raw plays of local days {@code [from, end)} in {@code zone}, as a literal condition. */
    private static String filter(ZoneId zone, LocalDate from, LocalDate end) {
        return " AND played_at >= '" + from.atStartOfDay(zone).toOffsetDateTime() + "' AND played_at < '"
                + end.atStartOfDay(zone).toOffsetDateTime() + "'";
    }
}
