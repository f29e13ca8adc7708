package io.audiospective.api.repository;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.api.ReadModelTables;
import io.audiospective.api.StatsWindow;
import io.audiospective.api.Views;
import io.audiospective.api.Views.Artist;
import io.audiospective.api.Views.ClockCell;
import io.audiospective.api.Views.ItemStats;
import io.audiospective.api.Views.Session;
import io.audiospective.api.Views.TimelineBucket;
import io.audiospective.api.Views.TopItem;

/**
 * Statistics queries over the rollups. None reads raw plays: costs depend on the window's days and the user's
 * distinct items, never on how long the history is (all-time answers come from the totals tables).
 */
@ApplicationScoped
public class StatsRepository {

    /** What can be ranked. */
    public enum Kind {
        TRACKS("track", "track_days", "track_totals", "track_id"),
        ARTISTS("artist", "artist_days", "artist_totals", "artist_id"),
        ALBUMS("album", "album_days", "album_totals", "album_id");

        public final String singular;
        final String days;
        final String totals;
        final String column;

        Kind(String singular, String days, String totals, String column) {
            this.singular = singular;
            this.days = days;
            this.totals = totals;
            this.column = column;
        }
    }

    private final Db db;

    StatsRepository(Db db) {
        this.db = db;
    }

    public ReadModelTables active() {
        return db.queryOne("SELECT active_generation FROM read_model_state WHERE id = 1",
                rs -> new ReadModelTables(rs.getInt(1))).orElseThrow();
    }

    public List<TopItem> top(ReadModelTables t, String user, Kind kind, StatsWindow window, int limit) {
        String source;
        Object[] params;
        if (window.allTime()) {
            source = "SELECT " + kind.column + " AS id, plays, ms FROM " + t.name(kind.totals)
                    + " WHERE user_id = ?";
            params = new Object[] {user, limit};
        } else {
            source = "SELECT " + kind.column + " AS id, sum(plays) AS plays, sum(ms) AS ms FROM " + t.name(kind.days)
                    + " WHERE user_id = ? AND day >= ? AND day < ? GROUP BY " + kind.column;
            params = new Object[] {user, window.from(), window.toExclusive(), limit};
        }
        String sql = switch (kind) {
            case TRACKS -> """
                    SELECT s.id, s.plays, s.ms, c.name, c.artist_ids, c.artist_names, c.album_id, al.name AS album_name
                    FROM (%s ORDER BY plays DESC, ms DESC, id LIMIT ?) s
                    LEFT JOIN catalogue_tracks c ON c.track_id = s.id
                    LEFT JOIN catalogue_albums al ON al.album_id = c.album_id
                    ORDER BY s.plays DESC, s.ms DESC, s.id
                    """.formatted(source);
            case ARTISTS -> """
                    SELECT s.id, s.plays, s.ms, c.name FROM (%s ORDER BY plays DESC, ms DESC, id LIMIT ?) s
                    LEFT JOIN catalogue_artists c ON c.artist_id = s.id ORDER BY s.plays DESC, s.ms DESC, s.id
                    """.formatted(source);
            case ALBUMS -> """
                    SELECT s.id, s.plays, s.ms, c.name FROM (%s ORDER BY plays DESC, ms DESC, id LIMIT ?) s
                    LEFT JOIN catalogue_albums c ON c.album_id = s.id ORDER BY s.plays DESC, s.ms DESC, s.id
                    """.formatted(source);
        };
        List<TopItem> items = new ArrayList<>();
        db.query(sql, rs -> {
            long ms = rs.getLong("ms");
            if (kind == Kind.TRACKS) {
                items.add(new TopItem(items.size() + 1, rs.getString("id"), rs.getString("name"),
                        artists(Db.strings(rs, "artist_ids"), Db.strings(rs, "artist_names")), rs.getString("album_id"),
                        rs.getString("album_name"), rs.getLong("plays"), ms, Views.minutes(ms)));
            } else {
                items.add(new TopItem(items.size() + 1, rs.getString("id"), rs.getString("name"), null, null, null,
                        rs.getLong("plays"), ms, Views.minutes(ms)));
            }
            return null;
        }, params);
        return items;
    }

    /** plays and ms in the window. */
    public long[] totals(ReadModelTables t, String user, StatsWindow window) {
        return db.queryOne("SELECT coalesce(sum(plays), 0), coalesce(sum(ms), 0) FROM " + t.hourDays()
                + " WHERE user_id = ?" + dayFilter(window), rs -> new long[] {rs.getLong(1), rs.getLong(2)},
                withDays(window, user)).orElseThrow();
    }

    public long distinct(ReadModelTables t, String user, Kind kind, StatsWindow window) {
        if (window.allTime()) {
            return db.queryOne("SELECT count(*) FROM " + t.name(kind.totals) + " WHERE user_id = ?",
                    rs -> rs.getLong(1), user).orElseThrow();
        }
        return db.queryOne("SELECT count(DISTINCT " + kind.column + ") FROM " + t.name(kind.days)
                + " WHERE user_id = ? AND day >= ? AND day < ?", rs -> rs.getLong(1), user, window.from(),
                window.toExclusive()).orElseThrow();
    }

    /** Artists whose first play ever falls in the window, earliest first. */
    public List<Artist> discoveredArtists(ReadModelTables t, String user, StatsWindow window) {
        String filter = window.allTime() ? "" : " AND a.first_at >= ? AND a.first_at < ?";
        Object[] params = window.allTime() ? new Object[] {user} : new Object[] {user, window.start(), window.end()};
        return db.query("SELECT a.artist_id, c.name FROM " + t.artistTotals()
                + " a LEFT JOIN catalogue_artists c ON c.artist_id = a.artist_id WHERE a.user_id = ?" + filter
                + " ORDER BY a.first_at, a.artist_id", rs -> new Artist(rs.getString(1), rs.getString(2)), params);
    }

    public List<ClockCell> clock(ReadModelTables t, String user, StatsWindow window) {
        return db.query("SELECT EXTRACT(ISODOW FROM day)::int AS weekday, hour, sum(plays) AS plays, sum(ms) AS ms"
                + " FROM " + t.hourDays() + " WHERE user_id = ?" + dayFilter(window)
                + " GROUP BY 1, 2 ORDER BY 1, 2", rs -> new ClockCell(rs.getInt("weekday"), rs.getInt("hour"),
                        rs.getLong("plays"), rs.getLong("ms")), withDays(window, user));
    }

    public List<TimelineBucket> timeline(ReadModelTables t, String user, StatsWindow window, String granularity) {
        return db.query("SELECT date_trunc('" + granularity + "', day)::date AS bucket, sum(plays) AS plays,"
                + " sum(ms) AS ms FROM " + t.hourDays() + " WHERE user_id = ?" + dayFilter(window)
                + " GROUP BY 1 ORDER BY 1", rs -> {
                    long ms = rs.getLong("ms");
                    return new TimelineBucket(Db.date(rs, "bucket"), rs.getLong("plays"), ms, Views.minutes(ms));
                }, withDays(window, user));
    }

    /** Days with at least one play in the window, ascending. */
    public List<LocalDate> listeningDays(ReadModelTables t, String user, StatsWindow window) {
        return db.query("SELECT DISTINCT day FROM " + t.hourDays() + " WHERE user_id = ?" + dayFilter(window)
                + " ORDER BY day", rs -> Db.date(rs, "day"), withDays(window, user));
    }

    /** Days with plays up to {@code until}, newest first, at most {@code limit}. */
    public List<LocalDate> listeningDaysBefore(ReadModelTables t, String user, LocalDate until, int limit) {
        return db.query("SELECT DISTINCT day FROM " + t.hourDays() + " WHERE user_id = ? AND day <= ?"
                + " ORDER BY day DESC LIMIT ?", rs -> Db.date(rs, "day"), user, until, limit);
    }

    /** The session with the most listening time that started in the window. */
    public Optional<Session> longestSession(ReadModelTables t, String user, StatsWindow window) {
        String filter = window.allTime() ? "" : " AND start_at >= ? AND start_at < ?";
        Object[] params = window.allTime() ? new Object[] {user} : new Object[] {user, window.start(), window.end()};
        return db.queryOne("SELECT start_at, end_at, plays, ms FROM " + t.sessions() + " WHERE user_id = ?" + filter
                + " ORDER BY ms DESC, start_at LIMIT 1", rs -> new Session(Db.instant(rs, "start_at"),
                        Db.instant(rs, "end_at"), rs.getLong("plays"), rs.getLong("ms"),
                        Views.minutes(rs.getLong("ms"))), params);
    }

    /** hour of day with the most plays in the window. */
    public Optional<Integer> peakHour(ReadModelTables t, String user, StatsWindow window) {
        return db.queryOne("SELECT hour FROM " + t.hourDays() + " WHERE user_id = ?" + dayFilter(window)
                + " GROUP BY hour ORDER BY sum(plays) DESC, sum(ms) DESC, hour LIMIT 1", rs -> rs.getInt(1),
                withDays(window, user));
    }

    public Optional<ItemStats> item(ReadModelTables t, String user, Kind kind, String id) {
        String totals = t.name(kind.totals);
        String names = switch (kind) {
            case TRACKS -> ", c.name, c.artist_ids, c.artist_names, c.album_id, al.name AS album_name FROM " + totals
                    + " s LEFT JOIN catalogue_tracks c ON c.track_id = s.track_id"
                    + " LEFT JOIN catalogue_albums al ON al.album_id = c.album_id";
            case ARTISTS -> ", c.name FROM " + totals + " s LEFT JOIN catalogue_artists c ON c.artist_id = s.artist_id";
            case ALBUMS -> ", c.name FROM " + totals + " s LEFT JOIN catalogue_albums c ON c.album_id = s.album_id";
        };
        return db.queryOne("SELECT s.first_at, s.last_at, s.plays, s.ms, (SELECT count(*) + 1 FROM " + totals
                + " r WHERE r.user_id = s.user_id AND (r.plays > s.plays OR (r.plays = s.plays AND (r.ms > s.ms"
                + " OR (r.ms = s.ms AND r." + kind.column + " < s." + kind.column + "))))) AS rank" + names
                + " WHERE s.user_id = ? AND s." + kind.column + " = ?", rs -> {
                    long ms = rs.getLong("ms");
                    boolean track = kind == Kind.TRACKS;
                    return new ItemStats(kind.singular, id, rs.getString("name"),
                            track ? artists(Db.strings(rs, "artist_ids"), Db.strings(rs, "artist_names")) : null,
                            track ? rs.getString("album_id") : null, track ? rs.getString("album_name") : null,
                            Db.instant(rs, "first_at"), Db.instant(rs, "last_at"), rs.getLong("plays"), ms,
                            Views.minutes(ms), rs.getLong("rank"));
                }, user, id);
    }

    public long playsArchived(ReadModelTables t, String user) {
        return db.queryOne("SELECT coalesce(sum(plays), 0) FROM " + t.hourDays() + " WHERE user_id = ?",
                rs -> rs.getLong(1), user).orElseThrow();
    }

    private static String dayFilter(StatsWindow window) {
        return window.allTime() ? "" : " AND day >= ? AND day < ?";
    }

    private static Object[] withDays(StatsWindow window, Object... leading) {
        if (window.allTime()) {
            return leading;
        }
        Object[] params = Arrays.copyOf(leading, leading.length + 2);
        params[leading.length] = window.from();
        params[leading.length + 1] = window.toExclusive();
        return params;
    }

    static List<Artist> artists(List<String> ids, List<String> names) {
        List<Artist> artists = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            artists.add(new Artist(ids.get(i), i < names.size() ? names.get(i) : null));
        }
        return artists;
    }

    public static Instant never() {
        return Instant.EPOCH;
    }
}
