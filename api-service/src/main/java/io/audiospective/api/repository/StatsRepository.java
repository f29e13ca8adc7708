package io.audiospective.api.repository;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import io.audiospective.support.sql.Db;

/**
 * Statistics queries over the rollups. None reads raw plays: a window is read as whole years + whole months + edge
 * days of the rollup tiers ({@link Tiered}), so costs depend on the user's distinct items and at most a few dozen
 * rows per item, never on how long the history or the window is (all-time answers come from the totals tables and
 * the year tiers). Timelines and streaks read the listening days ({@code listening_days}, one row per day with plays)
 * of their window.
 */
@ApplicationScoped
public class StatsRepository {

    /** What can be ranked. */
    public enum Kind {
        TRACKS("track", "track_totals", "track_id"),
        ARTISTS("artist", "artist_totals", "artist_id"),
        ALBUMS("album", "album_totals", "album_id");

        /** Rows of this kind in the window from the day rollup and its tiers: id, plays, ms. */
        private Tiered tiered(ReadModelTables t, String user, StatsWindow window) {
            return Tiered.of(t, singular, column, column, user, window);
        }

        public final String singular;
        final String totals;
        final String column;

        Kind(String singular, String totals, String column) {
            this.singular = singular;
            this.totals = totals;
            this.column = column;
        }
    }

    private final Db db;

    StatsRepository(Db db) {
        this.db = db;
    }

    /** A member's zone (null when they chose none) and read-model version, with the active generation. */
    public record MemberState(String zone, long version, ReadModelTables tables) {}

    /**
     * {@link MemberState} in one round trip: every stats request needs it before anything else (the ETag and the
     * answer cache's key), so it is the whole database cost of a cached answer.
     */
    public MemberState memberState(String user) {
        return db.queryOne(
                        "SELECT r.active_generation, s.time_zone, s.version FROM read_model_state r"
                                + " LEFT JOIN user_settings s ON s.user_id = ? WHERE r.id = 1",
                        rs -> new MemberState(rs.getString(2), rs.getLong(3), new ReadModelTables(rs.getInt(1))),
                        user)
                .orElseThrow();
    }

    public ReadModelTables active() {
        return db.queryOne(
                        "SELECT active_generation FROM read_model_state WHERE id = 1",
                        rs -> new ReadModelTables(rs.getInt(1)))
                .orElseThrow();
    }

    /**
     * Tracks of one artist or album, and tracks or artists of one genre ({@link #top}): the window's items are matched
     * against the catalogue before they are ranked, one catalogue look-up per item the member played in the window. A
     * track is of a genre when one of its artists is.
     */
    public record TrackFilter(String artistId, String albumId, String genre) {

        public static final TrackFilter NONE = new TrackFilter(null, null, null);

        boolean none() {
            return artistId == null && albumId == null && genre == null;
        }
    }

    /**
     * A track ({@code f}, a {@code catalogue_tracks} row) of the genre: joined to its artists' details, one row per
     * artist of the genre (made distinct again). As a join the planner can hash the genre's artists once; an
     * {@code EXISTS} per track re-read them for every track when the catalogue is small (450 ms for 5,000 tracks
     * against 800 artists, 8 ms joined), and comparing each track with an array of the genre's artists would cost
     * tracks x artists.
     */
    private static final String ARTISTS_OF_TRACK = " CROSS JOIN LATERAL unnest(f.artist_ids) AS ga(artist_id)"
            + " JOIN catalogue_artist_details gd ON gd.artist_id = ga.artist_id";

    public List<TopItem> top(ReadModelTables t, String user, Kind kind, StatsWindow window, int limit) {
        return top(t, user, kind, window, TrackFilter.NONE, limit);
    }

    public List<TopItem> top(
            ReadModelTables t, String user, Kind kind, StatsWindow window, TrackFilter filter, int limit) {
        String source;
        List<Object> params = new ArrayList<>();
        if (window.allTime()) {
            source = "SELECT " + kind.column + " AS id, plays, ms FROM " + t.name(kind.totals) + " WHERE user_id = ?";
            params.add(user);
        } else {
            Tiered rows = kind.tiered(t, user, window);
            source = rows.perItem();
            params.addAll(Arrays.asList(rows.params()));
        }
        if (!filter.none()) {
            List<String> conditions = new ArrayList<>();
            List<Object> values = new ArrayList<>();
            String join;
            String select = "SELECT w.*";
            if (kind == Kind.TRACKS) {
                join = " JOIN catalogue_tracks f ON f.track_id = w.id";
                if (filter.albumId() != null) {
                    conditions.add("f.album_id = ?");
                    values.add(filter.albumId());
                }
                if (filter.artistId() != null) {
                    conditions.add("f.artist_ids @> ARRAY[CAST(? AS text)]");
                    values.add(filter.artistId());
                }
                if (filter.genre() != null) {
                    join += ARTISTS_OF_TRACK;
                    select = "SELECT DISTINCT w.*";
                    conditions.add("gd.genres @> ARRAY[CAST(? AS text)]");
                    values.add(filter.genre());
                }
            } else if (kind == Kind.ARTISTS && filter.artistId() == null && filter.albumId() == null) {
                join = " JOIN catalogue_artist_details f ON f.artist_id = w.id";
                conditions.add("f.genres @> ARRAY[CAST(? AS text)]");
                values.add(filter.genre());
            } else {
                throw new IllegalArgumentException("No such filter of " + kind.singular + "s: " + filter);
            }
            source = select + " FROM (" + source + ") w" + join + " WHERE " + String.join(" AND ", conditions);
            params.addAll(values);
        }
        params.add(limit);
        String sql = switch (kind) {
            case TRACKS -> """
                    SELECT s.id, s.plays, s.ms, c.name, c.artist_ids, c.artist_names, c.album_id, al.name AS album_name,
                           al.image_url
                    FROM (%s ORDER BY plays DESC, ms DESC, id LIMIT ?) s
                    LEFT JOIN catalogue_tracks c ON c.track_id = s.id
                    LEFT JOIN catalogue_albums al ON al.album_id = c.album_id
                    ORDER BY s.plays DESC, s.ms DESC, s.id
                    """.formatted(source);
            case ARTISTS -> """
                    SELECT s.id, s.plays, s.ms, c.name, NULL AS image_url
                    FROM (%s ORDER BY plays DESC, ms DESC, id LIMIT ?) s
                    LEFT JOIN catalogue_artists c ON c.artist_id = s.id ORDER BY s.plays DESC, s.ms DESC, s.id
                    """.formatted(source);
            case ALBUMS -> """
                    SELECT s.id, s.plays, s.ms, c.name, c.image_url FROM (%s ORDER BY plays DESC, ms DESC, id LIMIT ?) s
                    LEFT JOIN catalogue_albums c ON c.album_id = s.id ORDER BY s.plays DESC, s.ms DESC, s.id
                    """.formatted(source);
        };
        List<TopItem> items = new ArrayList<>();
        db.query(
                sql,
                rs -> {
                    long ms = rs.getLong("ms");
                    if (kind == Kind.TRACKS) {
                        items.add(new TopItem(
                                items.size() + 1,
                                rs.getString("id"),
                                rs.getString("name"),
                                artists(Db.strings(rs, "artist_ids"), Db.strings(rs, "artist_names")),
                                rs.getString("album_id"),
                                rs.getString("album_name"),
                                rs.getLong("plays"),
                                ms,
                                Views.minutes(ms),
                                rs.getString("image_url")));
                    } else {
                        items.add(new TopItem(
                                items.size() + 1,
                                rs.getString("id"),
                                rs.getString("name"),
                                null,
                                null,
                                null,
                                rs.getLong("plays"),
                                ms,
                                Views.minutes(ms),
                                rs.getString("image_url")));
                    }
                    return null;
                },
                params.toArray());
        if (kind == Kind.ARTISTS && !items.isEmpty()) {
            Map<String, String> covers =
                    artistCovers(t, user, items.stream().map(TopItem::id).toList());
            items.replaceAll(item -> new TopItem(
                    item.rank(),
                    item.id(),
                    item.name(),
                    null,
                    null,
                    null,
                    item.plays(),
                    item.ms(),
                    item.minutes(),
                    covers.get(item.id())));
        }
        return items;
    }

    /**
     * An artist's picture: the cover of the album of theirs the member played most (all time, summed over the
     * album's tracks with the artist among their artists), for albums with a cover. Artists' own pictures are not
     * carried by plays. Reads the member's track totals once, one catalogue look-up per track.
     */
    public Map<String, String> artistCovers(ReadModelTables t, String user, List<String> artistIds) {
        Map<String, String> covers = new HashMap<>();
        db.query("""
                SELECT DISTINCT ON (a.artist_id) a.artist_id, al.image_url
                FROM %s tt
                JOIN catalogue_tracks c ON c.track_id = tt.track_id
                CROSS JOIN LATERAL unnest(c.artist_ids) AS a(artist_id)
                JOIN catalogue_albums al ON al.album_id = c.album_id AND al.image_url IS NOT NULL
                WHERE tt.user_id = ? AND a.artist_id = ANY (CAST(? AS text[]))
                GROUP BY a.artist_id, c.album_id, al.image_url
                ORDER BY a.artist_id, sum(tt.plays) DESC, c.album_id
                """.formatted(t.trackTotals()), rs -> covers.put(rs.getString(1), rs.getString(2)), user, artistIds);
        return covers;
    }

    /**
     * The window's genres by plays: a play counts once for each genre of its track's artists (once, even when two of
     * them share the genre), so genres overlap and their plays add up to more than the window's. Read from the track
     * rollups, which know which artists played together, and the catalogue's artists of each track; the artist
     * rollups cannot tell a play of two artists from two plays. Plays of artists without genres count for none.
     */
    public List<Views.TopGenre> topGenres(ReadModelTables t, String user, StatsWindow window, int limit) {
        String source;
        List<Object> params = new ArrayList<>();
        if (window.allTime()) {
            source = "SELECT track_id AS id, plays, ms FROM " + t.trackTotals() + " WHERE user_id = ?";
            params.add(user);
        } else {
            Tiered rows = Kind.TRACKS.tiered(t, user, window);
            source = rows.perItem();
            params.addAll(Arrays.asList(rows.params()));
        }
        params.add(limit);
        List<Views.TopGenre> genres = new ArrayList<>();
        db.query(
                """
                SELECT genre, %2$s AS plays, %3$s AS ms FROM (
                    SELECT DISTINCT w.id, w.plays, w.ms, g.genre
                    FROM (%s) w
                    JOIN catalogue_tracks c ON c.track_id = w.id
                    CROSS JOIN LATERAL unnest(c.artist_ids) AS a(artist_id)
                    JOIN catalogue_artist_details d ON d.artist_id = a.artist_id
                    CROSS JOIN LATERAL unnest(d.genres) AS g(genre)) x
                GROUP BY genre ORDER BY plays DESC, ms DESC, genre LIMIT ?
                """.formatted(source, exactSum("plays"), exactSum("ms")),
                rs -> {
                    long ms = rs.getLong("ms");
                    genres.add(new Views.TopGenre(
                            genres.size() + 1, rs.getString("genre"), rs.getLong("plays"), ms, Views.minutes(ms)));
                    return null;
                },
                params.toArray());
        return genres;
    }

    /** One item's plays per {@code granularity} (day, month or year) from its rollup, all time, oldest first. */
    public List<TimelineBucket> itemTimeline(ReadModelTables t, String user, Kind kind, String id, String granularity) {
        String bucket = granularity;
        String table = t.name(kind.singular + "_" + granularity + "s");
        return db.query(
                "SELECT " + bucket + " AS bucket, plays, ms FROM " + table + " WHERE user_id = ? AND " + kind.column
                        + " = ? ORDER BY 1",
                rs -> {
                    long ms = rs.getLong("ms");
                    return new TimelineBucket(Db.date(rs, "bucket"), rs.getLong("plays"), ms, Views.minutes(ms));
                },
                user,
                id);
    }

    /**
     * A window's plays and ms, how many distinct tracks, artists and albums it holds, and the artists first played in
     * it (earliest first).
     */
    public record Figures(long plays, long ms, long tracks, long artists, long albums, List<Artist> discovered) {}

    /** Windows up to this long sum their plays and ms from the listening days (a row per day) rather than the tiers. */
    static final int TOTALS_FROM_LISTENING_DAYS_UP_TO = 366;

    /**
     * {@link Figures} in one statement, one round trip: each part reads at most a few thousand index entries (the
     * distinct counts of a long window come from the days the year rows mark), so one statement costs less than
     * spreading the parts over connections.
     */
    public Figures figures(ReadModelTables t, String user, StatsWindow window) {
        Query totals = totals(t, user, window);
        List<Query> distinct = List.of(
                distinct(t, user, Kind.TRACKS, window),
                distinct(t, user, Kind.ARTISTS, window),
                distinct(t, user, Kind.ALBUMS, window));
        List<Object> params = new ArrayList<>();
        StringBuilder counts = new StringBuilder();
        for (Query count : distinct) {
            counts.append(", (").append(count.sql()).append(")");
            params.addAll(Arrays.asList(count.params()));
        }
        params.addAll(Arrays.asList(totals.params()));
        params.add(user);
        if (!window.allTime()) {
            params.add(window.start());
            params.add(window.end());
        }
        String order = " ORDER BY a.first_at, a.artist_id";
        String sql = "SELECT f.*, d.ids, d.names FROM (SELECT coalesce(" + exactSum("plays") + ", 0), coalesce("
                + exactSum("ms") + ", 0)" + counts + " FROM (" + totals.sql() + ") u) f,"
                + " (SELECT array_agg(a.artist_id" + order + ") AS ids, array_agg(c.name" + order + ") AS names FROM "
                + t.artistTotals() + " a LEFT JOIN catalogue_artists c ON c.artist_id = a.artist_id"
                + " WHERE a.user_id = ?" + (window.allTime() ? "" : " AND a.first_at >= ? AND a.first_at < ?")
                + ") d";
        return db.queryOne(
                        sql,
                        rs -> new Figures(
                                rs.getLong(1),
                                rs.getLong(2),
                                rs.getLong(3),
                                rs.getLong(4),
                                rs.getLong(5),
                                artists(Db.strings(rs, "ids"), Db.strings(rs, "names"))),
                        params.toArray())
                .orElseThrow();
    }

    /**
     * Rows {@code (plays, ms)} adding up to the window's: its listening days (a row per day) for up to
     * {@link #TOTALS_FROM_LISTENING_DAYS_UP_TO} days, its hour tiers (168 rows per whole year or month, 24 per edge
     * day) for longer windows and all time.
     */
    private static Query totals(ReadModelTables t, String user, StatsWindow window) {
        if (!window.allTime()
                && !window.from().plusDays(TOTALS_FROM_LISTENING_DAYS_UP_TO).isBefore(window.toExclusive())) {
            return new Query(
                    "SELECT plays, ms FROM " + t.listeningDays() + " WHERE user_id = ? AND day >= ? AND day < ?",
                    new Object[] {user, window.from(), window.toExclusive()});
        }
        Tiered hours = hours(t, user, window);
        return new Query(hours.sql(), hours.params());
    }

    /** A statement and its parameters. */
    private record Query(String sql, Object[] params) {}

    /**
     * A window longer than this counts its distinct items from the days their year rows mark ({@link YearDays}): one
     * row per item and year touched. A shorter one reads its edge days' rows, fewer than the items of a year.
     */
    static final int DISTINCT_FROM_YEAR_DAYS_AFTER = 31;

    /**
     * How many distinct items were played in the window: all time from the totals, a calendar year, month or day from
     * its tier's rows, a window of up to {@link #DISTINCT_FROM_YEAR_DAYS_AFTER} days from the rows of its tiers made
     * distinct (grouped rather than {@code count(DISTINCT)}: PostgreSQL hashes a GROUP BY, while
     * {@code count(DISTINCT)} always sorts), and a longer one from the days the year rows mark.
     */
    private static Query distinct(ReadModelTables t, String user, Kind kind, StatsWindow window) {
        if (window.allTime()) {
            return new Query("SELECT count(*) FROM " + t.name(kind.totals) + " WHERE user_id = ?", new Object[] {user});
        }
        Tiered rows = kind.tiered(t, user, window);
        if (rows.onePerItem()) {
            return new Query("SELECT count(*) FROM (" + rows.sql() + ") g", rows.params());
        }
        if (window.from().plusDays(DISTINCT_FROM_YEAR_DAYS_AFTER).isBefore(window.toExclusive())) {
            YearDays years = YearDays.of(t.name(kind.singular + "_years"), kind.column, user, window);
            return new Query(years.countSql(), years.params());
        }
        return new Query("SELECT count(*) FROM (SELECT id FROM (" + rows.sql() + ") u GROUP BY id) g", rows.params());
    }

    public List<ClockCell> clock(ReadModelTables t, String user, StatsWindow window) {
        Tiered hours = hours(t, user, window);
        return db.query(
                "SELECT id / 24 + 1 AS weekday, id % 24 AS hour, plays, ms FROM (" + hours.perItem()
                        + ") w ORDER BY id",
                rs -> new ClockCell(rs.getInt("weekday"), rs.getInt("hour"), rs.getLong("plays"), rs.getLong("ms")),
                hours.params());
    }

    public List<TimelineBucket> timeline(ReadModelTables t, String user, StatsWindow window, String granularity) {
        return db.query(
                "SELECT date_trunc('" + granularity + "', day)::date AS bucket, " + exactSum("plays") + " AS plays, "
                        + exactSum("ms") + " AS ms FROM " + t.listeningDays() + " WHERE user_id = ?"
                        + dayFilter(window)
                        + " GROUP BY 1 ORDER BY 1",
                rs -> {
                    long ms = rs.getLong("ms");
                    return new TimelineBucket(Db.date(rs, "bucket"), rs.getLong("plays"), ms, Views.minutes(ms));
                },
                withDays(window, user));
    }

    /** Days with at least one play in the window, ascending. */
    public List<LocalDate> listeningDays(ReadModelTables t, String user, StatsWindow window) {
        return db.query(
                "SELECT day FROM " + t.listeningDays() + " WHERE user_id = ?" + dayFilter(window) + " ORDER BY day",
                rs -> Db.date(rs, "day"),
                withDays(window, user));
    }

    /** Days with plays up to {@code until}, newest first, at most {@code limit}. */
    public List<LocalDate> listeningDaysBefore(ReadModelTables t, String user, LocalDate until, int limit) {
        return db.query(
                "SELECT day FROM " + t.listeningDays() + " WHERE user_id = ? AND day <= ?"
                        + " ORDER BY day DESC LIMIT ?",
                rs -> Db.date(rs, "day"),
                user,
                until,
                limit);
    }

    /** The session with the most listening time that started in the window. */
    public Optional<Session> longestSession(ReadModelTables t, String user, StatsWindow window) {
        String filter = window.allTime() ? "" : " AND start_at >= ? AND start_at < ?";
        Object[] params = window.allTime() ? new Object[] {user} : new Object[] {user, window.start(), window.end()};
        return db.queryOne(
                "SELECT start_at, end_at, plays, ms FROM " + t.sessions() + " WHERE user_id = ?" + filter
                        + " ORDER BY ms DESC, start_at LIMIT 1",
                rs -> new Session(
                        Db.instant(rs, "start_at"),
                        Db.instant(rs, "end_at"),
                        rs.getLong("plays"),
                        rs.getLong("ms"),
                        Views.minutes(rs.getLong("ms"))),
                params);
    }

    /** hour of day with the most plays in the window. */
    public Optional<Integer> peakHour(ReadModelTables t, String user, StatsWindow window) {
        Tiered hours = hours(t, user, window);
        return db.queryOne(
                "SELECT id % 24 AS hour FROM (" + hours.sql() + ") u GROUP BY 1 ORDER BY " + exactSum("plays")
                        + " DESC, " + exactSum("ms") + " DESC, hour LIMIT 1",
                rs -> rs.getInt(1),
                hours.params());
    }

    public Optional<ItemStats> item(ReadModelTables t, String user, Kind kind, String id) {
        String totals = t.name(kind.totals);
        String names = switch (kind) {
            case TRACKS ->
                ", c.name, c.artist_ids, c.artist_names, c.album_id, al.name AS album_name, al.image_url FROM "
                        + totals + " s LEFT JOIN catalogue_tracks c ON c.track_id = s.track_id"
                        + " LEFT JOIN catalogue_albums al ON al.album_id = c.album_id";
            case ARTISTS ->
                ", c.name, NULL AS image_url FROM " + totals
                        + " s LEFT JOIN catalogue_artists c ON c.artist_id = s.artist_id";
            case ALBUMS ->
                ", c.name, c.image_url FROM " + totals + " s LEFT JOIN catalogue_albums c ON c.album_id = s.album_id";
        };
        return db.queryOne(
                        "SELECT s.first_at, s.last_at, s.plays, s.ms, (SELECT count(*) + 1 FROM " + totals
                                + " r WHERE r.user_id = s.user_id AND (r.plays > s.plays OR (r.plays = s.plays AND (r.ms > s.ms"
                                + " OR (r.ms = s.ms AND r." + kind.column + " < s." + kind.column + "))))) AS rank"
                                + names
                                + " WHERE s.user_id = ? AND s." + kind.column + " = ?",
                        rs -> {
                            long ms = rs.getLong("ms");
                            boolean track = kind == Kind.TRACKS;
                            return new ItemStats(
                                    kind.singular,
                                    id,
                                    rs.getString("name"),
                                    track
                                            ? artists(Db.strings(rs, "artist_ids"), Db.strings(rs, "artist_names"))
                                            : null,
                                    track ? rs.getString("album_id") : null,
                                    track ? rs.getString("album_name") : null,
                                    Db.instant(rs, "first_at"),
                                    Db.instant(rs, "last_at"),
                                    rs.getLong("plays"),
                                    ms,
                                    Views.minutes(ms),
                                    rs.getLong("rank"),
                                    rs.getString("image_url"));
                        },
                        user,
                        id)
                .map(item -> kind != Kind.ARTISTS
                        ? item
                        : new ItemStats(
                                item.kind(),
                                item.id(),
                                item.name(),
                                item.artists(),
                                item.albumId(),
                                item.albumName(),
                                item.firstPlayedAt(),
                                item.lastPlayedAt(),
                                item.plays(),
                                item.ms(),
                                item.minutes(),
                                item.rank(),
                                artistCovers(t, user, List.of(id)).get(id)));
    }

    public long playsArchived(ReadModelTables t, String user) {
        return db.queryOne(
                        "SELECT coalesce(sum(plays), 0) FROM " + t.name("hour_years") + " WHERE user_id = ?",
                        rs -> rs.getLong(1),
                        user)
                .orElseThrow();
    }

    /**
     * The window's plays and ms per hour of the week (id 0..167 = (ISO weekday - 1) * 24 + local hour): all time from
     * the year tier alone.
     */
    private static Tiered hours(ReadModelTables t, String user, StatsWindow window) {
        if (window.allTime()) {
            return new Tiered(
                    "SELECT weekhour AS id, plays, ms FROM " + t.name("hour_years") + " WHERE user_id = ?",
                    new Object[] {user},
                    false);
        }
        return Tiered.of(t, "hour", "weekhour", ReadModelWriter.WEEKHOUR, user, window);
    }

    /**
     * Rows {@code (id, plays, ms)} of a rollup for a window, read as whole years + whole months + the edge days (see
     * {@link Spans}): per item one row per whole year, at most 11 months and 30 days at each end, and one row for a
     * calendar year or month. Each range is its own branch, so each is one range scan of its table's primary key.
     */
    record Tiered(String sql, Object[] params, boolean onePerItem) {

        static Tiered of(
                ReadModelTables t, String kind, String tierColumn, String dayColumn, String user, StatsWindow window) {
            Spans spans = Spans.of(window.from(), window.toExclusive());
            Optional<Spans.Unit> unit = spans.singleUnit();
            if (unit.isPresent()) {
                // a calendar year, month or day is one row per item of one tier: no ranges to add up
                String tier = unit.get().tier();
                String column = tier.equals("day") ? dayColumn : tierColumn;
                return new Tiered(
                        "SELECT " + column + " AS id, plays, ms FROM " + t.name(kind + "_" + tier + "s")
                                + " WHERE user_id = ? AND " + tier + " = ?",
                        new Object[] {user, unit.get().start()},
                        true);
            }
            String years = "SELECT " + tierColumn + " AS id, plays, ms FROM " + t.name(kind + "_years")
                    + " WHERE user_id = ? AND year >= ? AND year < ?";
            String months = "SELECT " + tierColumn + " AS id, plays, ms FROM " + t.name(kind + "_months")
                    + " WHERE user_id = ? AND month >= ? AND month < ?";
            String days = "SELECT " + dayColumn + " AS id, plays, ms FROM " + t.name(kind + "_days")
                    + " WHERE user_id = ? AND day >= ? AND day < ?";
            return new Tiered(
                    String.join(" UNION ALL ", days, months, years, months, days),
                    new Object[] {
                        user, spans.headDays()[0], spans.headDays()[1], user, spans.headMonths()[0],
                                spans.headMonths()[1],
                        user, spans.years()[0], spans.years()[1], user, spans.tailMonths()[0], spans.tailMonths()[1],
                        user, spans.tailDays()[0], spans.tailDays()[1]
                    },
                    false);
        }

        /** Rows {@code (id, plays, ms)}, one per item: the window's rows added up per item. */
        String perItem() {
            return onePerItem
                    ? sql
                    : "SELECT id, " + exactSum("plays") + " AS plays, " + exactSum("ms") + " AS ms FROM (" + sql
                            + ") u GROUP BY id";
        }

        /** The parameters followed by {@code more}. */
        Object[] params(Object... more) {
            Object[] all = Arrays.copyOf(params, params.length + more.length);
            System.arraycopy(more, 0, all, params.length, more.length);
            return all;
        }
    }

    /**
     * The items of a window as the year rows whose marked days ({@code days}, bit n for day n + 1 of the year) meet
     * the window's days in that year: one row per item and year the window touches, whatever its length. Every year
     * but the first and the last lies wholly inside the window, so only those two are tested against a mask.
     */
    record YearDays(String sql, Object[] params, boolean oneYear) {

        static YearDays of(String table, String column, String user, StatsWindow window) {
            LocalDate firstYear = window.from().withDayOfYear(1);
            LocalDate lastYear = window.to().withDayOfYear(1);
            String firstMask = mask(firstYear, window);
            if (firstYear.equals(lastYear)) {
                return new YearDays(
                        "SELECT " + column + " FROM " + table + " WHERE user_id = ? AND year = ?"
                                + " AND days & CAST(? AS bit(366)) <> " + ReadModelWriter.NO_DAYS,
                        new Object[] {user, firstYear, firstMask},
                        true);
            }
            return new YearDays(
                    "SELECT " + column + " FROM " + table + " WHERE user_id = ? AND year >= ? AND year <= ?"
                            + " AND (year > ? AND year < ?"
                            + " OR year = ? AND days & CAST(? AS bit(366)) <> " + ReadModelWriter.NO_DAYS
                            + " OR year = ? AND days & CAST(? AS bit(366)) <> " + ReadModelWriter.NO_DAYS + ")",
                    new Object[] {
                        user,
                        firstYear,
                        lastYear,
                        firstYear,
                        lastYear,
                        firstYear,
                        firstMask,
                        lastYear,
                        mask(lastYear, window)
                    },
                    false);
        }

        /** How many distinct items: the rows of one year are one per item already. */
        String countSql() {
            return oneYear ? "SELECT count(*) FROM (" + sql + ") d" : "SELECT count(*) FROM (" + sql + " GROUP BY 1) d";
        }

        /** The window's days in {@code year} as a {@code bit(366)} literal, bit n for day n + 1 of the year. */
        static String mask(LocalDate year, StatsWindow window) {
            char[] bits = new char[366];
            Arrays.fill(bits, '0');
            LocalDate from = window.from().isAfter(year) ? window.from() : year;
            LocalDate end = window.toExclusive().isBefore(year.plusYears(1)) ? window.toExclusive() : year.plusYears(1);
            for (LocalDate day = from; day.isBefore(end); day = day.plusDays(1)) {
                bits[day.getDayOfYear() - 1] = '1';
            }
            return new String(bits);
        }
    }

    /**
     * A window of local days {@code [from, end)} as half-open ranges: head days up to the first whole month, head
     * months up to the first whole year, whole years, tail months, tail days. Every day of the window is in exactly
     * one range; an unused range is empty ({@code [x, x)}).
     */
    record Spans(
            LocalDate[] headDays,
            LocalDate[] headMonths,
            LocalDate[] years,
            LocalDate[] tailMonths,
            LocalDate[] tailDays) {

        static Spans of(LocalDate from, LocalDate end) {
            LocalDate firstMonth =
                    from.getDayOfMonth() == 1 ? from : from.withDayOfMonth(1).plusMonths(1);
            LocalDate lastMonth = end.withDayOfMonth(1);
            if (!firstMonth.isBefore(lastMonth)) {
                return new Spans(range(from, end), range(end, end), range(end, end), range(end, end), range(end, end));
            }
            LocalDate firstYear = firstMonth.getDayOfYear() == 1
                    ? firstMonth
                    : firstMonth.withDayOfYear(1).plusYears(1);
            LocalDate lastYear = lastMonth.withDayOfYear(1);
            if (firstYear.isAfter(lastYear)) {
                return new Spans(
                        range(from, firstMonth),
                        range(firstMonth, lastMonth),
                        range(end, end),
                        range(end, end),
                        range(lastMonth, end));
            }
            return new Spans(
                    range(from, firstMonth),
                    range(firstMonth, firstYear),
                    range(firstYear, lastYear),
                    range(lastYear, lastMonth),
                    range(lastMonth, end));
        }

        /** The tier ("year", "month" or "day") and start of a window that is exactly one calendar year, month or day. */
        record Unit(String tier, LocalDate start) {}

        Optional<Unit> singleUnit() {
            int used = 0;
            LocalDate[] only = null;
            for (LocalDate[] range : List.of(headDays, headMonths, years, tailMonths, tailDays)) {
                if (range[0].isBefore(range[1])) {
                    used++;
                    only = range;
                }
            }
            if (used != 1) {
                return Optional.empty();
            }
            if (only == years && only[0].plusYears(1).equals(only[1])) {
                return Optional.of(new Unit("year", only[0]));
            }
            if ((only == headMonths || only == tailMonths)
                    && only[0].plusMonths(1).equals(only[1])) {
                return Optional.of(new Unit("month", only[0]));
            }
            if ((only == headDays || only == tailDays) && only[0].plusDays(1).equals(only[1])) {
                return Optional.of(new Unit("day", only[0]));
            }
            return Optional.empty();
        }

        private static LocalDate[] range(LocalDate from, LocalDate to) {
            return new LocalDate[] {from, to};
        }
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

    /**
     * {@code sum(column)} of a bigint column, exact and fast: PostgreSQL adds bigints up in numeric, which made adding
     * up and ranking the 5,000 items of a year 2.5 times slower than this. Sums stay exact in float8 below 2^53.
     */
    static String exactSum(String column) {
        return "CAST(sum(CAST(" + column + " AS float8)) AS bigint)";
    }

    public static Instant never() {
        return Instant.EPOCH;
    }
}
