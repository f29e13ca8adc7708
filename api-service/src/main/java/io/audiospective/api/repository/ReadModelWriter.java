package io.audiospective.api.repository;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.api.ReadModelTables;
import io.audiospective.api.config.ApiConfig;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.PlayEvent;

/**
 * Writes the read model: one play into one generation's tables, a user's day rollups rebuilt for a new time
 * zone, a user's whole read model purged. Every method must run inside a transaction that holds the user's
 * {@code user_settings} row lock ({@link #lockUser}), which serialises all writes of one user.
 */
@ApplicationScoped
public class ReadModelWriter {

    private final Db db;
    private final ApiConfig config;

    ReadModelWriter(Db db, ApiConfig config) {
        this.db = db;
        this.config = config;
    }

    /** The generations to write: the active one and, while a replay runs, the one being built. */
    public List<ReadModelTables> lockGenerationsForWrite() {
        return db.queryOne("SELECT active_generation, building_generation FROM read_model_state WHERE id = 1"
                + " FOR SHARE", rs -> {
                    List<ReadModelTables> tables = new ArrayList<>();
                    tables.add(new ReadModelTables(rs.getInt(1)));
                    int building = rs.getInt(2);
                    if (!rs.wasNull()) {
                        tables.add(new ReadModelTables(building));
                    }
                    return tables;
                }).orElseThrow();
    }

    public boolean isDeleted(String userId) {
        return db.queryOne("SELECT 1 FROM deleted_users WHERE user_id = ?", rs -> true, userId).isPresent();
    }

    /** Locks the user's settings row (creating it) and returns the user's time zone. */
    public String lockUser(String userId) {
        return db.queryOne("""
                INSERT INTO user_settings (user_id, time_zone) VALUES (?, ?)
                ON CONFLICT (user_id) DO UPDATE SET version = user_settings.version + 1
                RETURNING time_zone
                """, rs -> rs.getString(1), userId, config.defaultTimeZone()).orElseThrow();
    }

    public void upsertCatalogue(PlayEvent play) {
        var track = play.track();
        db.update("""
                INSERT INTO catalogue_tracks (track_id, name, album_id, artist_ids, artist_names)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (track_id) DO UPDATE SET name = EXCLUDED.name, album_id = EXCLUDED.album_id,
                    artist_ids = EXCLUDED.artist_ids, artist_names = EXCLUDED.artist_names
                WHERE (catalogue_tracks.name, catalogue_tracks.album_id, catalogue_tracks.artist_ids,
                       catalogue_tracks.artist_names)
                      IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.album_id, EXCLUDED.artist_ids, EXCLUDED.artist_names)
                """, track.id(), track.name(), track.album().id(),
                track.artists().stream().map(ArtistRef::id).toList(),
                track.artists().stream().map(ArtistRef::name).toList());
        db.update("""
                INSERT INTO catalogue_albums (album_id, name) VALUES (?, ?)
                ON CONFLICT (album_id) DO UPDATE SET name = EXCLUDED.name
                WHERE catalogue_albums.name IS DISTINCT FROM EXCLUDED.name
                """, track.album().id(), track.album().name());
        // Sorted, so concurrent writers lock catalogue rows in the same order.
        for (Map.Entry<String, String> artist : distinctArtists(play).entrySet()) {
            db.update("""
                    INSERT INTO catalogue_artists (artist_id, name) VALUES (?, ?)
                    ON CONFLICT (artist_id) DO UPDATE SET name = EXCLUDED.name
                    WHERE catalogue_artists.name IS DISTINCT FROM EXCLUDED.name
                    """, artist.getKey(), artist.getValue());
        }
    }

    /** Adds the play to one generation unless it is already there; returns whether it was new. */
    public boolean apply(ReadModelTables t, PlayEvent play, String zone) {
        var track = play.track();
        int inserted = db.update(t.sql("""
                INSERT INTO {plays} (user_id, played_at, track_id, track_name, album_id, album_name,
                                     artist_ids, artist_names, ms_played, source)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (user_id, played_at) DO NOTHING
                """), play.userId(), play.playedAt(), track.id(), track.name(), track.album().id(),
                track.album().name(), track.artists().stream().map(ArtistRef::id).toList(),
                track.artists().stream().map(ArtistRef::name).toList(), play.msPlayed(), play.source().name());
        if (inserted == 0) {
            return false;
        }
        String user = play.userId();
        long ms = play.msPlayed();
        Instant at = play.playedAt();
        // Local day and hour by PostgreSQL's zone rules, the same rules the zone-change rebuild uses.
        Object[] local = db.queryOne("""
                SELECT (CAST(? AS timestamptz) AT TIME ZONE ?)::date,
                       EXTRACT(HOUR FROM CAST(? AS timestamptz) AT TIME ZONE ?)::int
                """, rs -> new Object[] {rs.getObject(1, LocalDate.class), rs.getInt(2)}, at, zone, at, zone)
                .orElseThrow();
        LocalDate day = (LocalDate) local[0];
        short hour = (short) (int) (Integer) local[1];

        String dayUpsert = """
                INSERT INTO %s (user_id, day, %s, plays, ms) VALUES (?, ?, ?, 1, ?)
                ON CONFLICT (user_id, day, %s) DO UPDATE SET plays = %s.plays + 1, ms = %s.ms + EXCLUDED.ms
                """;
        db.update(dayUpsert.formatted(t.trackDays(), "track_id", "track_id", t.trackDays(), t.trackDays()),
                user, day, track.id(), ms);
        db.update(dayUpsert.formatted(t.albumDays(), "album_id", "album_id", t.albumDays(), t.albumDays()),
                user, day, track.album().id(), ms);
        db.update(dayUpsert.formatted(t.hourDays(), "hour", "hour", t.hourDays(), t.hourDays()),
                user, day, hour, ms);
        String totalUpsert = """
                INSERT INTO %1$s (user_id, %2$s, first_at, last_at, plays, ms) VALUES (?, ?, ?, ?, 1, ?)
                ON CONFLICT (user_id, %2$s) DO UPDATE SET first_at = LEAST(%1$s.first_at, EXCLUDED.first_at),
                    last_at = GREATEST(%1$s.last_at, EXCLUDED.last_at), plays = %1$s.plays + 1,
                    ms = %1$s.ms + EXCLUDED.ms
                """;
        db.update(totalUpsert.formatted(t.trackTotals(), "track_id"), user, track.id(), at, at, ms);
        db.update(totalUpsert.formatted(t.albumTotals(), "album_id"), user, track.album().id(), at, at, ms);
        for (String artistId : distinctArtists(play).keySet()) {
            db.update(dayUpsert.formatted(t.artistDays(), "artist_id", "artist_id", t.artistDays(),
                    t.artistDays()), user, day, artistId, ms);
            db.update(totalUpsert.formatted(t.artistTotals(), "artist_id"), user, artistId, at, at, ms);
        }
        mergeSession(t, user, at, ms);
        return true;
    }

    /**
     * A session is a maximal run of plays with consecutive {@code played_at} at most the gap apart. A new play
     * joins (and may bridge) the sessions that reach within the gap of it, whatever order plays arrive in.
     */
    private void mergeSession(ReadModelTables t, String user, Instant at, long ms) {
        Duration gap = config.sessionGap();
        List<long[]> touching = new ArrayList<>();
        List<Instant[]> bounds = new ArrayList<>();
        db.query(t.sql("""
                SELECT start_at, end_at, plays, ms FROM {sessions}
                WHERE user_id = ? AND end_at >= ? AND start_at <= ?
                """), rs -> {
                    bounds.add(new Instant[] {Db.instant(rs, "start_at"), Db.instant(rs, "end_at")});
                    touching.add(new long[] {rs.getLong("plays"), rs.getLong("ms")});
                    return null;
                }, user, at.minus(gap), at.plus(gap));
        Instant start = at;
        Instant end = at;
        long plays = 1;
        long total = ms;
        for (int i = 0; i < bounds.size(); i++) {
            start = bounds.get(i)[0].isBefore(start) ? bounds.get(i)[0] : start;
            end = bounds.get(i)[1].isAfter(end) ? bounds.get(i)[1] : end;
            plays += touching.get(i)[0];
            total += touching.get(i)[1];
            db.update(t.sql("DELETE FROM {sessions} WHERE user_id = ? AND start_at = ?"), user, bounds.get(i)[0]);
        }
        db.update(t.sql("INSERT INTO {sessions} (user_id, start_at, end_at, plays, ms) VALUES (?, ?, ?, ?, ?)"),
                user, start, end, plays, total);
    }

    /** Rebuilds the user's day rollups of one generation from its plays for {@code zone}. */
    public void rebuildDays(ReadModelTables t, String user, String zone) {
        for (String table : List.of(t.trackDays(), t.albumDays(), t.artistDays(), t.hourDays())) {
            db.update("DELETE FROM " + table + " WHERE user_id = ?", user);
        }
        db.update(t.sql("""
                INSERT INTO {track_days} (user_id, day, track_id, plays, ms)
                SELECT user_id, (played_at AT TIME ZONE ?)::date, track_id, count(*), sum(ms_played)
                FROM {plays} WHERE user_id = ? GROUP BY 1, 2, 3
                """), zone, user);
        db.update(t.sql("""
                INSERT INTO {album_days} (user_id, day, album_id, plays, ms)
                SELECT user_id, (played_at AT TIME ZONE ?)::date, album_id, count(*), sum(ms_played)
                FROM {plays} WHERE user_id = ? GROUP BY 1, 2, 3
                """), zone, user);
        db.update(t.sql("""
                INSERT INTO {artist_days} (user_id, day, artist_id, plays, ms)
                SELECT p.user_id, (p.played_at AT TIME ZONE ?)::date, a.artist_id, count(*), sum(p.ms_played)
                FROM {plays} p CROSS JOIN LATERAL (SELECT DISTINCT unnest(p.artist_ids) AS artist_id) a
                WHERE p.user_id = ? GROUP BY 1, 2, 3
                """), zone, user);
        db.update(t.sql("""
                INSERT INTO {hour_days} (user_id, day, hour, plays, ms)
                SELECT user_id, (played_at AT TIME ZONE ?)::date,
                       EXTRACT(HOUR FROM played_at AT TIME ZONE ?)::smallint, count(*), sum(ms_played)
                FROM {plays} WHERE user_id = ? GROUP BY 1, 2, 3
                """), zone, zone, user);
    }

    /** Rebuilds every rollup of the user from plays (bulk loads, repairs); zone-independent parts included. */
    public void rebuildAll(ReadModelTables t, String user, String zone) {
        rebuildDays(t, user, zone);
        for (String table : List.of(t.trackTotals(), t.albumTotals(), t.artistTotals(), t.sessions())) {
            db.update("DELETE FROM " + table + " WHERE user_id = ?", user);
        }
        db.update(t.sql("""
                INSERT INTO {track_totals} (user_id, track_id, first_at, last_at, plays, ms)
                SELECT user_id, track_id, min(played_at), max(played_at), count(*), sum(ms_played)
                FROM {plays} WHERE user_id = ? GROUP BY 1, 2
                """), user);
        db.update(t.sql("""
                INSERT INTO {album_totals} (user_id, album_id, first_at, last_at, plays, ms)
                SELECT user_id, album_id, min(played_at), max(played_at), count(*), sum(ms_played)
                FROM {plays} WHERE user_id = ? GROUP BY 1, 2
                """), user);
        db.update(t.sql("""
                INSERT INTO {artist_totals} (user_id, artist_id, first_at, last_at, plays, ms)
                SELECT p.user_id, a.artist_id, min(p.played_at), max(p.played_at), count(*), sum(p.ms_played)
                FROM {plays} p CROSS JOIN LATERAL (SELECT DISTINCT unnest(p.artist_ids) AS artist_id) a
                WHERE p.user_id = ? GROUP BY 1, 2
                """), user);
        db.update(t.sql("""
                INSERT INTO {sessions} (user_id, start_at, end_at, plays, ms)
                SELECT ?, min(played_at), max(played_at), count(*), sum(ms_played)
                FROM (SELECT played_at, ms_played, sum(brk) OVER (ORDER BY played_at) AS grp
                      FROM (SELECT played_at, ms_played,
                                   CASE WHEN played_at - lag(played_at) OVER (ORDER BY played_at)
                                             <= CAST(? AS interval) THEN 0 ELSE 1 END AS brk
                            FROM {plays} WHERE user_id = ?) o) g
                GROUP BY grp
                """), user, config.sessionGap().toSeconds() + " seconds", user);
    }

    /** Removes every row of the user from one generation. */
    public void purge(ReadModelTables t, String user) {
        for (String base : ReadModelTables.BASE_NAMES) {
            db.update("DELETE FROM " + t.name(base) + " WHERE user_id = ?", user);
        }
    }

    public void countIngested(Instant now) {
        db.update("""
                INSERT INTO plays_ingested_hourly (hour, plays) VALUES (date_trunc('hour', CAST(? AS timestamptz) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', 1)
                ON CONFLICT (hour) DO UPDATE SET plays = plays_ingested_hourly.plays + 1
                """, now);
    }

    private static Map<String, String> distinctArtists(PlayEvent play) {
        Map<String, String> artists = new TreeMap<>();
        for (ArtistRef artist : play.track().artists()) {
            artists.putIfAbsent(artist.id(), artist.name());
        }
        return new LinkedHashMap<>(artists);
    }
}
