package io.audiospective.api.repository;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.audiospective.api.ReadModelChanged;
import io.audiospective.api.ReadModelTables;
import io.audiospective.api.config.ApiConfig;
import io.audiospective.model.AlbumRef;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.PlaySource;
import io.audiospective.model.ProvisionalIds;
import io.audiospective.model.TrackRef;
import io.audiospective.support.sql.Db;

/**
 * Writes the read model: a batch of plays into one generation's tables, a user's day rollups rebuilt for a new
 * time zone, a user's whole read model purged. Every method must run inside a transaction that holds the users'
 * {@code user_settings} row locks ({@link #lockUser}, {@link #lockUsers}), which serialise all writes of a user.
 */
@ApplicationScoped
public class ReadModelWriter {

    /**
     * Adds the plays of CTE {@code located} to a day rollup or a tier of it ({@code {bucket}} the column, day, month or
     * year, {@code {bucketValue}} its value from the play's local day; {@code {key}} the item, {@code {value}} its
     * column).
     */
    private static final String DAY_ROLLUP = """
            , {table}_up AS (
                INSERT INTO {table} (user_id, {bucket}, {key}, plays, ms)
                SELECT user_id, {bucketValue}, {value}, count(*), sum(ms_played) FROM located {join} GROUP BY 1, 2, 3
                ON CONFLICT (user_id, {bucket}, {key})
                DO UPDATE SET plays = {table}.plays + EXCLUDED.plays, ms = {table}.ms + EXCLUDED.ms)
            """;
    /**
     * {@link #DAY_ROLLUP} for the year tier of tracks, albums and artists, which also marks the local days of the year
     * each item was played on ({@link #dayOfYearBit}).
     */
    private static final String YEAR_ROLLUP = """
            , {table}_up AS (
                INSERT INTO {table} (user_id, year, {key}, plays, ms, days)
                SELECT user_id, date_trunc('year', day)::date, {value}, count(*), sum(ms_played), bit_or({dayBit})
                FROM located {join} GROUP BY 1, 2, 3
                ON CONFLICT (user_id, year, {key})
                DO UPDATE SET plays = {table}.plays + EXCLUDED.plays, ms = {table}.ms + EXCLUDED.ms,
                    days = {table}.days | EXCLUDED.days)
            """.replace("{dayBit}", dayOfYearBit("day"));
    /** Adds the plays of CTE {@code located} to the listening days ({@code {table}}): the hour rollup without hours. */
    private static final String LISTENING_DAYS = """
            , {table}_up AS (
                INSERT INTO {table} (user_id, day, plays, ms)
                SELECT user_id, day, count(*), sum(ms_played) FROM located GROUP BY 1, 2
                ON CONFLICT (user_id, day)
                DO UPDATE SET plays = {table}.plays + EXCLUDED.plays, ms = {table}.ms + EXCLUDED.ms)
            """;
    /** {@link #LISTENING_DAYS} in reverse for the plays of CTE {@code located_old}: days they empty are deleted. */
    private static final String LISTENING_DAYS_OUT = """
            , {table}_gone AS (SELECT user_id, day, count(*) AS plays, sum(ms_played) AS ms
                               FROM located_old GROUP BY 1, 2)
            , {table}_kept AS (UPDATE {table} r SET plays = r.plays - g.plays, ms = r.ms - g.ms FROM {table}_gone g
                               WHERE r.user_id = g.user_id AND r.day = g.day AND r.plays > g.plays)
            , {table}_emptied AS (DELETE FROM {table} r USING {table}_gone g
                                  WHERE r.user_id = g.user_id AND r.day = g.day AND r.plays <= g.plays)
            """;
    /** The JSON rows of {@link #playRows} as relation {@code p}. */
    private static final String PLAY_ROWS = """
            jsonb_to_recordset(CAST(? AS jsonb)) AS p(user_id text, played_at timestamptz, track_id text,
                track_name text, album_id text, album_name text, artist_ids text[], artist_names text[],
                ms_played bigint, source text, provisional boolean, import_id text, album_image_url text)""";
    /** The hour of the week (0 = Monday 00:00 local) of the hour rollups' tiers, from {@code day} and {@code hour}. */
    static final String WEEKHOUR = "((EXTRACT(ISODOW FROM day)::int - 1) * 24 + hour)::smallint";
    /** Adds the plays of CTE {@code located} to an all-time rollup. */
    private static final String TOTAL_ROLLUP = """
            , {table}_up AS (
                INSERT INTO {table} (user_id, {key}, first_at, last_at, plays, ms)
                SELECT user_id, {value}, min(played_at), max(played_at), count(*), sum(ms_played)
                FROM located {join} GROUP BY 1, 2
                ON CONFLICT (user_id, {key}) DO UPDATE SET
                    first_at = LEAST({table}.first_at, EXCLUDED.first_at),
                    last_at = GREATEST({table}.last_at, EXCLUDED.last_at),
                    plays = {table}.plays + EXCLUDED.plays, ms = {table}.ms + EXCLUDED.ms)
            """;

    private final Db db;
    private final ApiConfig config;
    private final ObjectMapper json;
    private final Event<ReadModelChanged> changes;

    ReadModelWriter(Db db, ApiConfig config, ObjectMapper json, Event<ReadModelChanged> changes) {
        this.db = db;
        this.config = config;
        this.json = json;
        this.changes = changes;
    }

    /** The generations to write: the active one and, while a replay runs, the one being built. */
    public List<ReadModelTables> lockGenerationsForWrite() {
        return db.queryOne(
                        "SELECT active_generation, building_generation FROM read_model_state WHERE id = 1"
                                + " FOR SHARE",
                        rs -> {
                            List<ReadModelTables> tables = new ArrayList<>();
                            tables.add(new ReadModelTables(rs.getInt(1)));
                            int building = rs.getInt(2);
                            if (!rs.wasNull()) {
                                tables.add(new ReadModelTables(building));
                            }
                            return tables;
                        })
                .orElseThrow();
    }

    /**
     * A generation to write, and whether its rollups move with each play: false for a generation a replay is still
     * loading in bulk ({@link #loadPlays}), which takes plays only until {@link #buildRollups}.
     */
    public record Generation(ReadModelTables tables, boolean rollupsKept) {}

    /** {@link #lockGenerationsForWrite}, each generation with whether it keeps its rollups. */
    public List<Generation> lockGenerationsForFold() {
        List<ReadModelTables> locked = lockGenerationsForWrite();
        List<Generation> generations = new ArrayList<>();
        generations.add(new Generation(locked.get(0), true));
        // a statement of its own, after the lock: a rollup build that held the lock meanwhile committed its mark, and
        // only a new statement's snapshot sees it
        locked.stream().skip(1).forEach(building -> generations.add(new Generation(building, rollupsBuilt(building))));
        return generations;
    }

    /** Whether the generation's rollups were built ({@link #buildRollups}): a resumed replay goes on from there. */
    public boolean rollupsBuilt(ReadModelTables t) {
        return db.queryOne(
                        "SELECT count(*) FROM read_model_rollups_built WHERE generation = ?",
                        rs -> rs.getInt(1) > 0,
                        t.generation())
                .orElseThrow();
    }

    /**
     * Readies a new generation for a bulk load: every index but the plays' key (which de-duplicates them) is dropped,
     * so each loaded play costs one index entry; {@link #buildRollups} creates them all afterwards in one sort each.
     */
    public void prepareBulkLoad(ReadModelTables t) {
        db.update("DELETE FROM read_model_rollups_built WHERE generation = ?", t.generation());
        for (String base : ReadModelTables.BASE_NAMES) {
            for (Index index : indexes(t.name(base))) {
                if (index.primary() && base.equals("plays")) {
                    continue;
                }
                db.update(
                        index.primary()
                                ? "ALTER TABLE " + t.name(base) + " DROP CONSTRAINT " + index.name()
                                : "DROP INDEX " + index.name());
            }
        }
    }

    /** An index of a table: its name, whether it is the primary key, and its definition. */
    private record Index(String name, boolean primary, String definition) {}

    private List<Index> indexes(String table) {
        return db.query("""
                SELECT c.relname, i.indisprimary,
                       CASE WHEN i.indisprimary THEN pg_get_constraintdef(k.oid) ELSE pg_get_indexdef(i.indexrelid) END
                FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                    LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.contype = 'p'
                WHERE i.indrelid = to_regclass(?)
                ORDER BY c.relname
                """, rs -> new Index(rs.getString(1), rs.getBoolean(2), rs.getString(3)), table);
    }

    /** Gives {@code target} every index {@code model} has and it lacks (compared without their names). */
    private void copyIndexes(String model, String target) {
        List<String> present =
                indexes(target).stream().map(ReadModelWriter::shape).toList();
        for (Index index : indexes(model)) {
            if (present.contains(shape(index))) {
                continue;
            }
            db.update(
                    index.primary()
                            ? "ALTER TABLE " + target + " ADD " + index.definition()
                            : index.definition()
                                    .replaceFirst("^(CREATE (UNIQUE )?INDEX) \\S+ ON \\S+ ", "$1 ON " + target + " "));
        }
    }

    /** An index's definition without its name and table. */
    private static String shape(Index index) {
        return index.primary()
                ? index.definition()
                : index.definition().replaceFirst("^CREATE (UNIQUE )?INDEX \\S+ ON \\S+ ", "$1");
    }

    /**
     * Holds off every writer of the read model until this transaction ends ({@link #buildRollups}).
     *
     * @return the active generation
     */
    public ReadModelTables lockGenerationsExclusively() {
        return db.queryOne(
                        "SELECT active_generation FROM read_model_state WHERE id = 1 FOR UPDATE",
                        rs -> new ReadModelTables(rs.getInt(1)))
                .orElseThrow();
    }

    /**
     * Locks the user's settings row (creating it), gives it a new version (never one any member had before, see
     * V16: cached answers are keyed by it) and returns the user's time zone.
     */
    public String lockUser(String userId) {
        String zone = db.queryOne("""
                INSERT INTO user_settings (user_id, time_zone) VALUES (?, ?)
                ON CONFLICT (user_id) DO UPDATE SET version = nextval('user_settings_version_seq')
                RETURNING time_zone
                """, rs -> rs.getString(1), userId, config.defaultTimeZone())
                .orElseThrow();
        changes.fire(ReadModelChanged.of(userId));
        return zone;
    }

    /** Locks the settings rows of the plays' users (creating them), in user order so writers never deadlock. */
    public void lockUsers(List<PlayEvent> plays) {
        List<String> users =
                plays.stream().map(PlayEvent::userId).distinct().sorted().toList();
        db.update("""
                INSERT INTO user_settings (user_id, time_zone)
                SELECT u, ? FROM unnest(CAST(? AS text[])) AS u ORDER BY u
                ON CONFLICT (user_id) DO UPDATE SET version = nextval('user_settings_version_seq')
                """, config.defaultTimeZone(), users);
        changes.fire(ReadModelChanged.of(users));
    }

    /**
     * The latest names of the plays' tracks, albums and artists. Only rows whose values differ are updated, and so
     * locked: an {@code ON CONFLICT DO UPDATE} would lock every shared row until commit even when nothing changes.
     * A provisional track (known only from an imported file) never replaces what is stored of a track.
     */
    public void upsertCatalogue(List<PlayEvent> plays) {
        Map<String, TrackRef> tracks = new TreeMap<>();
        Map<String, AlbumRef> albums = new TreeMap<>();
        Map<String, String> artists = new TreeMap<>();
        for (PlayEvent play : plays) {
            TrackRef track = play.track();
            // Spotify's description of a track wins over an import's provisional one, whatever their order
            tracks.merge(track.id(), track, (kept, next) -> next.provisional() && !kept.provisional() ? kept : next);
            albums.merge(track.album().id(), track.album(), ReadModelWriter::laterAlbum);
            track.artists().forEach(artist -> artists.put(artist.id(), artist.name()));
        }
        ArrayNode trackRows = json.createArrayNode();
        ArrayNode completeTrackRows = json.createArrayNode();
        for (TrackRef track : tracks.values()) {
            ObjectNode row = trackRows
                    .addObject()
                    .put("track_id", track.id())
                    .put("name", track.name())
                    .put("album_id", track.album().id());
            putArtists(row, track);
            if (!track.provisional()) {
                completeTrackRows.add(row);
            }
        }
        String trackValues = """
                jsonb_to_recordset(CAST(? AS jsonb))
                    AS t(track_id text, name text, album_id text, artist_ids text[], artist_names text[])""";
        db.update(
                "INSERT INTO catalogue_tracks (track_id, name, album_id, artist_ids, artist_names) SELECT * FROM "
                        + trackValues + " ORDER BY track_id ON CONFLICT (track_id) DO NOTHING",
                trackRows.toString());
        db.update("""
                UPDATE catalogue_tracks c SET name = t.name, album_id = t.album_id, artist_ids = t.artist_ids,
                    artist_names = t.artist_names
                FROM %s
                WHERE c.track_id = t.track_id AND (c.name, c.album_id, c.artist_ids, c.artist_names)
                      IS DISTINCT FROM (t.name, t.album_id, t.artist_ids, t.artist_names)
                """.formatted(trackValues), completeTrackRows.toString());
        upsertAlbums(albums.values());
        upsertName("catalogue_artists", "artist_id", artists);
    }

    /** The later of two versions of an album in a batch, its cover kept when the later one has none. */
    private static AlbumRef laterAlbum(AlbumRef earlier, AlbumRef later) {
        return later.imageUrl() != null || earlier.imageUrl() == null
                ? later
                : new AlbumRef(later.id(), later.name(), later.releaseDate(), earlier.imageUrl());
    }

    /**
     * The albums' latest names and covers; a play without a cover (an older message, an imported file's album, an
     * album Spotify has no image for) never removes one the catalogue has.
     */
    private void upsertAlbums(Collection<AlbumRef> albums) {
        List<String> ids = albums.stream().map(AlbumRef::id).toList();
        List<String> names = albums.stream().map(AlbumRef::name).toList();
        List<String> images = albums.stream().map(AlbumRef::imageUrl).toList();
        String values =
                "unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[])) AS v(album_id, name, image_url)";
        db.update(
                "INSERT INTO catalogue_albums (album_id, name, image_url) SELECT * FROM " + values
                        + " ORDER BY album_id ON CONFLICT (album_id) DO NOTHING",
                ids,
                names,
                images);
        db.update("""
                UPDATE catalogue_albums c SET name = v.name, image_url = coalesce(v.image_url, c.image_url)
                FROM %s
                WHERE c.album_id = v.album_id
                  AND (c.name, c.image_url) IS DISTINCT FROM (v.name, coalesce(v.image_url, c.image_url))
                """.formatted(values), ids, names, images);
    }

    private void upsertName(String table, String key, Map<String, String> names) {
        db.update("""
                INSERT INTO %1$s (%2$s, name)
                SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS text[])) AS v(%2$s, name) ORDER BY %2$s
                ON CONFLICT (%2$s) DO NOTHING
                """.formatted(table, key), names.keySet(), names.values());
        db.update("""
                UPDATE %1$s c SET name = v.name
                FROM unnest(CAST(? AS text[]), CAST(? AS text[])) AS v(%2$s, name)
                WHERE c.%2$s = v.%2$s AND c.name IS DISTINCT FROM v.name
                """.formatted(table, key), names.keySet(), names.values());
    }

    /**
     * Adds the plays to one generation, skipping those already there, and moves every rollup by the new ones in
     * the same statement. Local day and hour follow PostgreSQL's zone rules, the rules the zone-change rebuild
     * uses. Requires {@link #lockUsers} in this transaction.
     *
     * @return the plays that were new to this generation
     */
    public List<PlayEvent> apply(ReadModelTables t, List<PlayEvent> plays) {
        Map<PlayKey, PlayEvent> byKey = firstOfEachKey(plays);
        String rows = playRows(byKey.values());
        String byArtist = "CROSS JOIN LATERAL (SELECT DISTINCT unnest(artist_ids) AS artist_id) a";
        StringBuilder sql = new StringBuilder(t.sql("""
                WITH fresh AS (
                    INSERT INTO {plays} (user_id, played_at, track_id, track_name, album_id, album_name,
                                         artist_ids, artist_names, ms_played, source, provisional, import_id,
                                         album_image_url)
                    SELECT * FROM %s
                    ON CONFLICT (user_id, played_at) DO NOTHING
                    RETURNING user_id, played_at, track_id, album_id, artist_ids, ms_played
                ), located AS (
                    SELECT f.*, (f.played_at AT TIME ZONE s.time_zone)::date AS day,
                           EXTRACT(HOUR FROM f.played_at AT TIME ZONE s.time_zone)::smallint AS hour
                    FROM fresh f JOIN user_settings s USING (user_id)
                )
                """.formatted(PLAY_ROWS)));
        sql.append(dayRollups(t, "track", "track_id", "track_id", ""));
        sql.append(dayRollups(t, "album", "album_id", "album_id", ""));
        sql.append(dayRollups(t, "hour", "hour", "hour", ""));
        sql.append(dayRollups(t, "artist", "artist_id", "a.artist_id", byArtist));
        sql.append(rollup(TOTAL_ROLLUP, t.trackTotals(), "track_id", "track_id", ""));
        sql.append(rollup(TOTAL_ROLLUP, t.albumTotals(), "album_id", "album_id", ""));
        sql.append(rollup(TOTAL_ROLLUP, t.artistTotals(), "artist_id", "a.artist_id", byArtist));
        sql.append("SELECT user_id, played_at FROM located");
        List<PlayEvent> fresh = db.query(
                sql.toString(), rs -> byKey.get(new PlayKey(rs.getString(1), Db.instant(rs, "played_at"))), rows);
        mergeSessions(t, fresh);
        // a play inserted just now is as complete as it arrived; any other version of a play may complete it
        Set<PlayEvent> inserted = Collections.newSetFromMap(new IdentityHashMap<>());
        inserted.addAll(fresh);
        complete(t, plays.stream().filter(play -> !inserted.contains(play)).toList());
        return fresh;
    }

    /** The first play of each (user, played_at) in the batch: the one the insert keeps, the others may complete it. */
    private static Map<PlayKey, PlayEvent> firstOfEachKey(List<PlayEvent> plays) {
        Map<PlayKey, PlayEvent> byKey = new LinkedHashMap<>();
        for (PlayEvent play : plays) {
            byKey.putIfAbsent(new PlayKey(play.userId(), play.playedAt()), play);
        }
        return byKey;
    }

    /** The plays as the JSON rows of {@link #PLAY_ROWS}. */
    private String playRows(Collection<PlayEvent> plays) {
        ArrayNode rows = json.createArrayNode();
        for (PlayEvent play : plays) {
            TrackRef track = play.track();
            ObjectNode row = rows.addObject()
                    .put("user_id", play.userId())
                    .put("played_at", play.playedAt().toString())
                    .put("track_id", track.id())
                    .put("track_name", track.name())
                    .put("album_id", track.album().id())
                    .put("album_name", track.album().name())
                    .put("ms_played", play.msPlayed())
                    .put("source", play.source().name())
                    .put("provisional", track.provisional())
                    .put("import_id", play.importId())
                    .put("album_image_url", track.album().imageUrl());
            putArtists(row, track);
        }
        return rows.toString();
    }

    /**
     * A replay's bulk path, first half: the plays into one generation's plays table only, those already there kept;
     * an imported play that arrives complete completes a provisional one, as {@link #apply} does. The rollups are
     * computed afterwards all at once ({@link #buildRollups}), so this costs one insert per batch.
     */
    public void loadPlays(ReadModelTables t, List<PlayEvent> plays) {
        db.update(
                t.sql("""
                INSERT INTO {plays} (user_id, played_at, track_id, track_name, album_id, album_name,
                                     artist_ids, artist_names, ms_played, source, provisional, import_id,
                                     album_image_url)
                SELECT * FROM %s ORDER BY 1, 2
                ON CONFLICT (user_id, played_at) DO NOTHING
                """.formatted(PLAY_ROWS)), playRows(firstOfEachKey(plays).values()));
        List<PlayEvent> completions = plays.stream()
                .filter(play ->
                        play.source() == PlaySource.IMPORT && !play.track().provisional())
                .toList();
        if (!completions.isEmpty()) {
            db.update(t.sql("""
                    UPDATE {plays} p SET track_name = i.track_name, album_id = i.album_id, album_name = i.album_name,
                        artist_ids = i.artist_ids, artist_names = i.artist_names, provisional = false,
                        album_image_url = i.album_image_url
                    FROM %s
                    WHERE i.user_id = p.user_id AND i.played_at = p.played_at AND p.provisional
                      AND p.track_id = i.track_id
                    """.formatted(PLAY_ROWS.replace(" AS p(", " AS i("))), playRows(completions));
        }
    }

    /** {@link #remove} for a generation being loaded ({@link #loadPlays}): the plays only. */
    public void unloadPlays(ReadModelTables t, List<PlayEvent> removals) {
        db.update(t.sql("""
                DELETE FROM {plays} p USING jsonb_to_recordset(CAST(? AS jsonb))
                    AS r(user_id text, played_at timestamptz, import_id text)
                WHERE p.user_id = r.user_id AND p.played_at = r.played_at AND p.source = 'IMPORT'
                  AND (p.import_id IS NULL OR p.import_id = r.import_id)
                """), removalRows(removals));
    }

    /** The removals as JSON rows (user_id, played_at, import_id): what identifies a play an undone import removes. */
    private String removalRows(List<PlayEvent> removals) {
        ArrayNode rows = json.createArrayNode();
        for (PlayEvent play : removals) {
            rows.addObject()
                    .put("user_id", play.userId())
                    .put("played_at", play.playedAt().toString())
                    .put("import_id", play.importId());
        }
        return rows.toString();
    }

    /**
     * Imported plays that arrive complete (Spotify described their track) for a play this generation holds as
     * provisional (under the names of the import's file): the play takes the real album and artists, and their
     * rollups move from the provisional ids to the real ones in the same statement (disjoint keys, so no row is
     * written twice). Track, hour and session rollups stay: the track id, instant and ms are the same. Polled plays
     * are never provisional, so live polling never pays for this.
     */
    private void complete(ReadModelTables t, List<PlayEvent> plays) {
        Map<PlayKey, PlayEvent> completions = new LinkedHashMap<>();
        for (PlayEvent play : plays) {
            if (play.source() == PlaySource.IMPORT && !play.track().provisional()) {
                completions.put(new PlayKey(play.userId(), play.playedAt()), play);
            }
        }
        if (completions.isEmpty()) {
            return;
        }
        String rows = playRows(completions.values());
        String byArtist = "CROSS JOIN LATERAL (SELECT DISTINCT unnest(artist_ids) AS artist_id) a";
        StringBuilder sql = new StringBuilder(t.sql("""
                WITH i AS (
                    SELECT * FROM jsonb_to_recordset(CAST(? AS jsonb)) AS i(user_id text, played_at timestamptz,
                        track_id text, track_name text, album_id text, album_name text, artist_ids text[],
                        artist_names text[], album_image_url text)),
                -- materialised: inlined into located_old, the planner probed the plays by user only (every
                -- provisional play of the member per completed play)
                old AS MATERIALIZED (
                    SELECT p.user_id, p.played_at, p.album_id, p.artist_ids, p.ms_played
                    FROM {plays} p JOIN i ON i.user_id = p.user_id AND i.played_at = p.played_at
                    WHERE p.provisional AND p.track_id = i.track_id),
                completed AS (
                    UPDATE {plays} p SET track_name = i.track_name, album_id = i.album_id, album_name = i.album_name,
                        artist_ids = i.artist_ids, artist_names = i.artist_names, provisional = false,
                        album_image_url = i.album_image_url
                    FROM i WHERE i.user_id = p.user_id AND i.played_at = p.played_at AND p.provisional
                      AND p.track_id = i.track_id
                    RETURNING p.user_id, p.played_at, p.album_id, p.artist_ids, p.ms_played),
                located_old AS (
                    SELECT o.*, (o.played_at AT TIME ZONE s.time_zone)::date AS day
                    FROM old o JOIN user_settings s USING (user_id)),
                located AS (
                    SELECT c.*, (c.played_at AT TIME ZONE s.time_zone)::date AS day
                    FROM completed c JOIN user_settings s USING (user_id))
                """));
        sql.append(moveOutOfDayRollups(t, "album", "album_id", "album_id", ""));
        sql.append(moveOutOfDayRollups(t, "artist", "artist_id", "a.artist_id", byArtist));
        sql.append(moveOutOfTotals(t.albumTotals(), "album_id", "album_id", ""));
        sql.append(moveOutOfTotals(t.artistTotals(), "artist_id", "a.artist_id", byArtist));
        sql.append(dayRollups(t, "album", "album_id", "album_id", ""));
        sql.append(dayRollups(t, "artist", "artist_id", "a.artist_id", byArtist));
        sql.append(rollup(TOTAL_ROLLUP, t.albumTotals(), "album_id", "album_id", ""));
        sql.append(rollup(TOTAL_ROLLUP, t.artistTotals(), "artist_id", "a.artist_id", byArtist));
        sql.append(boundaries(t.albumTotals(), t.artistTotals()));
        settleBoundaries(t, db.query(sql.toString(), ReadModelWriter::boundary, rows));
    }

    /** A total whose first or last play was moved or removed: its first/last must be read again from the plays. */
    private record Boundary(String userId, String column, String item) {}

    private static Boundary boundary(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Boundary(rs.getString(1), rs.getString(2), rs.getString(3));
    }

    /** The totals rows of a move-out statement whose first or last play left: user, key column, item. */
    private static String boundaries(String... totals) {
        StringBuilder kept = new StringBuilder();
        for (String table : totals) {
            kept.append(kept.isEmpty() ? "" : " UNION ALL ")
                    .append("SELECT * FROM ")
                    .append(table)
                    .append("_kept");
        }
        return "SELECT user_id, item_column, item FROM (" + kept + ") b WHERE b.boundary";
    }

    /**
     * Subtracts the plays of CTE {@code located_old} from a day rollup or a tier of it ({@code bucket} its column,
     * {@code bucketValue} its value from the play's local day): rows they empty are deleted, the others updated
     * (disjoint rows, so one statement may also add to the same table for other keys). A year row that marks its days
     * ({@code dayRollup} the day rollup it sums, null for the others) also loses the days whose day row is emptied.
     */
    private static String moveOutOfDays(
            String table, String bucket, String bucketValue, String key, String value, String join, String dayRollup) {
        String emptiedDays = dayRollup == null ? "" : emptiedDays(table, dayRollup, key);
        String daysLeft = dayRollup == null ? "" : ", days = r.days & ~coalesce(e.days, " + NO_DAYS + ")";
        String emptiedJoin = dayRollup == null
                ? ""
                : " LEFT JOIN " + table + "_emptied_days e"
                        + " ON e.user_id = g.user_id AND e.bucket = g.bucket AND e.item = g.item";
        return emptiedDays + """
                , %1$s_gone AS (SELECT user_id, %5$s AS bucket, %3$s AS item, count(*) AS plays, sum(ms_played) AS ms
                                FROM located_old %4$s GROUP BY 1, 2, 3)
                , %1$s_kept AS (UPDATE %1$s r SET plays = r.plays - g.plays, ms = r.ms - g.ms%7$s
                                FROM %1$s_gone g%8$s
                                WHERE r.user_id = g.user_id AND r.%6$s = g.bucket AND r.%2$s = g.item
                                  AND r.plays > g.plays)
                , %1$s_emptied AS (DELETE FROM %1$s r USING %1$s_gone g
                                   WHERE r.user_id = g.user_id AND r.%6$s = g.bucket AND r.%2$s = g.item
                                     AND r.plays <= g.plays)
                """.formatted(table, key, value, join, bucketValue, bucket, daysLeft, emptiedJoin);
    }

    /**
     * The day rollup of {@code kind} (track, album, artist, hour) and its month and year tiers, from CTE
     * {@code located}; the hour tiers are kept per hour of the week, and the hours summed per day are the listening
     * days.
     */
    private static String dayRollups(ReadModelTables t, String kind, String key, String value, String join) {
        StringBuilder sql = new StringBuilder(rollup(DAY_ROLLUP, t.name(kind + "_days"), key, value, join)
                .replace("{bucketValue}", "day")
                .replace("{bucket}", "day"));
        for (String tier : ReadModelTables.TIERS) {
            sql.append(rollup(
                            marksDays(kind, tier) ? YEAR_ROLLUP : DAY_ROLLUP,
                            t.name(kind + "_" + tier + "s"),
                            tierKey(kind, key),
                            tierValue(kind, value),
                            join)
                    .replace("{bucketValue}", tierBucket(tier))
                    .replace("{bucket}", tier));
        }
        if (kind.equals("hour")) {
            sql.append(LISTENING_DAYS.replace("{table}", t.listeningDays()));
        }
        return sql.toString();
    }

    /** {@link #dayRollups} in reverse: the plays of CTE {@code located_old} leave the days and their tiers. */
    private static String moveOutOfDayRollups(ReadModelTables t, String kind, String key, String value, String join) {
        String days = t.name(kind + "_days");
        StringBuilder sql = new StringBuilder(moveOutOfDays(days, "day", "day", key, value, join, null));
        for (String tier : ReadModelTables.TIERS) {
            sql.append(moveOutOfDays(
                    t.name(kind + "_" + tier + "s"),
                    tier,
                    tierBucket(tier),
                    tierKey(kind, key),
                    tierValue(kind, value),
                    join,
                    marksDays(kind, tier) ? days : null));
        }
        if (kind.equals("hour")) {
            sql.append(LISTENING_DAYS_OUT.replace("{table}", t.listeningDays()));
        }
        return sql.toString();
    }

    private static String tierKey(String kind, String key) {
        return kind.equals("hour") ? "weekhour" : key;
    }

    private static String tierValue(String kind, String value) {
        return kind.equals("hour") ? WEEKHOUR : value;
    }

    /** Whether a tier's rows mark the days their item was played on: the year rows of tracks, albums and artists. */
    private static boolean marksDays(String kind, String tier) {
        return tier.equals("year") && !kind.equals("hour");
    }

    /** A year row's days on which nothing was played. */
    static final String NO_DAYS = "CAST(B'0' AS bit(366))";

    /** The bit of a year row's {@code days} for the local day {@code day}: bit n (from the left) is day n + 1. */
    static String dayOfYearBit(String day) {
        return "(CAST(B'1' AS bit(366)) >> (" + day + " - date_trunc('year', " + day + ")::date))";
    }

    /**
     * Per year and item, the days whose day row the plays of CTE {@code located_old} empty (read before the statement
     * changes them, as every part of a statement reads): their bits leave the year row ({@link #moveOutOfDays}).
     */
    private static String emptiedDays(String years, String days, String key) {
        return """
                , %1$s_emptied_days AS (
                    SELECT g.user_id, date_trunc('year', g.bucket)::date AS bucket, g.item, bit_or(%4$s) AS days
                    FROM %2$s_gone g JOIN %2$s d ON d.user_id = g.user_id AND d.day = g.bucket AND d.%3$s = g.item
                    WHERE d.plays <= g.plays GROUP BY 1, 2, 3)
                """.formatted(years, days, key, dayOfYearBit("g.bucket"));
    }

    /** The first day of the tier's bucket holding the local day {@code day}. */
    private static String tierBucket(String tier) {
        return "date_trunc('" + tier + "', day)::date";
    }

    /**
     * The same for an all-time rollup; the rows kept say whether their first or last play was among those that left
     * ({@code boundary}), for {@link #settleBoundaries}.
     */
    private static String moveOutOfTotals(String table, String key, String value, String join) {
        return """
                , %1$s_gone AS (SELECT user_id, %3$s AS item, count(*) AS plays, sum(ms_played) AS ms,
                                       min(played_at) AS first_at, max(played_at) AS last_at
                                FROM located_old %4$s GROUP BY 1, 2)
                , %1$s_kept AS (UPDATE %1$s r SET plays = r.plays - g.plays, ms = r.ms - g.ms FROM %1$s_gone g
                                WHERE r.user_id = g.user_id AND r.%2$s = g.item AND r.plays > g.plays
                                RETURNING r.user_id, '%2$s' AS item_column, r.%2$s AS item,
                                          g.first_at <= r.first_at OR g.last_at >= r.last_at AS boundary)
                , %1$s_emptied AS (DELETE FROM %1$s r USING %1$s_gone g
                                   WHERE r.user_id = g.user_id AND r.%2$s = g.item AND r.plays <= g.plays)
                """.formatted(table, key, value, join);
    }

    /**
     * Reads first and last play again from the plays for the totals whose first or last play left: only those, so a
     * move or removal that leaves both ends in place costs nothing more. Tracks, and the provisional albums and
     * artists a completion moves plays from, go through indexes (provisional plays have one artist, the file's);
     * real albums and artists (an undo) read the member's plays once per statement.
     */
    private void settleBoundaries(ReadModelTables t, List<Boundary> boundaries) {
        settle(t, boundaries, "track_id", false, "{track_totals}", "p.track_id", "");
        settle(t, boundaries, "album_id", true, "{album_totals}", "p.album_id", "AND p.provisional");
        settle(t, boundaries, "artist_id", true, "{artist_totals}", "p.artist_ids[1]", "AND p.provisional");
        settle(t, boundaries, "album_id", false, "{album_totals}", "p.album_id", "");
        settle(t, boundaries, "artist_id", false, "{artist_totals}", "a.artist_id", "");
    }

    /**
     * One kind of {@link #settleBoundaries}: the boundaries of {@code column} whose item is (or is not) provisional,
     * first and last play read from the plays whose {@code item} expression names it, with {@code filter}.
     */
    private void settle(
            ReadModelTables t,
            List<Boundary> boundaries,
            String column,
            boolean provisional,
            String totals,
            String item,
            String filter) {
        ArrayNode keys = json.createArrayNode();
        boundaries.stream()
                .filter(b -> b.column().equals(column))
                .filter(b -> column.equals("track_id") || ProvisionalIds.isProvisional(b.item()) == provisional)
                .forEach(b -> keys.addObject().put("user_id", b.userId()).put("item", b.item()));
        if (keys.isEmpty()) {
            return;
        }
        String plays = item.startsWith("a.")
                ? "(SELECT p.user_id, p.played_at, a.artist_id FROM {plays} p"
                        + " CROSS JOIN LATERAL unnest(p.artist_ids) AS a(artist_id)"
                        + " WHERE p.user_id IN (SELECT user_id FROM k)) p"
                : "{plays} p";
        String joined = item.startsWith("a.") ? "p.artist_id" : item;
        db.update(t.sql("""
                WITH k AS (SELECT * FROM jsonb_to_recordset(CAST(? AS jsonb)) AS k(user_id text, item text))
                UPDATE %1$s r SET first_at = f.first_at, last_at = f.last_at
                FROM (SELECT p.user_id, k.item, min(p.played_at) AS first_at, max(p.played_at) AS last_at
                      FROM %2$s JOIN k ON k.user_id = p.user_id AND k.item = %3$s %4$s GROUP BY 1, 2) f
                WHERE r.user_id = f.user_id AND r.%5$s = f.item
                """.formatted(totals, plays, joined, filter, column)), keys.toString());
    }

    /**
     * Removes imported plays whose import the member undid ({@link PlayEvent#removed()}): only a play of that import
     * at that instant (a play another import or a poll archived there later stays), with every rollup moved back by
     * it in the same statement; then the items and sessions it touched are settled, so the rollups equal a rebuild
     * from the plays. Requires {@link #lockUsers} in this transaction.
     *
     * @return how many plays were removed from this generation
     */
    public int remove(ReadModelTables t, List<PlayEvent> removals) {
        String rows = removalRows(removals);
        String byArtist = "CROSS JOIN LATERAL (SELECT DISTINCT unnest(artist_ids) AS artist_id) a";
        StringBuilder sql = new StringBuilder(t.sql("""
                WITH r AS (SELECT DISTINCT * FROM jsonb_to_recordset(CAST(? AS jsonb))
                               AS r(user_id text, played_at timestamptz, import_id text)),
                gone AS (
                    DELETE FROM {plays} p USING r
                    WHERE p.user_id = r.user_id AND p.played_at = r.played_at AND p.source = 'IMPORT'
                      AND (p.import_id IS NULL OR p.import_id = r.import_id)
                    RETURNING p.user_id, p.played_at, p.track_id, p.album_id, p.artist_ids, p.ms_played),
                located_old AS (
                    SELECT g.*, (g.played_at AT TIME ZONE s.time_zone)::date AS day,
                           EXTRACT(HOUR FROM g.played_at AT TIME ZONE s.time_zone)::smallint AS hour
                    FROM gone g JOIN user_settings s USING (user_id))
                """));
        sql.append(moveOutOfDayRollups(t, "track", "track_id", "track_id", ""));
        sql.append(moveOutOfDayRollups(t, "album", "album_id", "album_id", ""));
        sql.append(moveOutOfDayRollups(t, "hour", "hour", "hour", ""));
        sql.append(moveOutOfDayRollups(t, "artist", "artist_id", "a.artist_id", byArtist));
        sql.append(moveOutOfTotals(t.trackTotals(), "track_id", "track_id", ""));
        sql.append(moveOutOfTotals(t.albumTotals(), "album_id", "album_id", ""));
        sql.append(moveOutOfTotals(t.artistTotals(), "artist_id", "a.artist_id", byArtist));
        sql.append(", b AS (")
                .append(boundaries(t.trackTotals(), t.albumTotals(), t.artistTotals()))
                .append(")")
                .append("""
                        SELECT user_id, item_column, item FROM b
                        UNION ALL SELECT user_id, 'played_at', CAST(played_at AS text) FROM located_old
                        """);
        // the rows are boundaries of totals, and the removed plays' instants (column "played_at") for the sessions
        List<Boundary> found = db.query(sql.toString(), ReadModelWriter::boundary, rows);
        List<Boundary> boundaries =
                found.stream().filter(b -> !b.column().equals("played_at")).toList();
        ArrayNode instants = json.createArrayNode();
        found.stream()
                .filter(b -> b.column().equals("played_at"))
                .forEach(b -> instants.addObject().put("user_id", b.userId()).put("played_at", b.item()));
        settleBoundaries(t, boundaries);
        if (!instants.isEmpty()) {
            splitSessions(t, instants.toString());
        }
        return instants.size();
    }

    /**
     * The sessions that held removed plays are computed again from the plays left in their span: removing plays can
     * only split a session or shorten it, never join it to another.
     */
    private void splitSessions(ReadModelTables t, String removed) {
        ArrayNode spans = json.createArrayNode();
        db.query(
                t.sql("""
                DELETE FROM {sessions} s USING jsonb_to_recordset(CAST(? AS jsonb)) AS r(user_id text, played_at timestamptz)
                WHERE s.user_id = r.user_id AND r.played_at BETWEEN s.start_at AND s.end_at
                RETURNING s.user_id, s.start_at, s.end_at
                """),
                rs -> {
                    spans.addObject()
                            .put("user_id", rs.getString(1))
                            .put("start_at", Db.instant(rs, "start_at").toString())
                            .put("end_at", Db.instant(rs, "end_at").toString());
                    return null;
                },
                removed);
        if (spans.isEmpty()) {
            return;
        }
        db.update(t.sql("""
                INSERT INTO {sessions} (user_id, start_at, end_at, plays, ms)
                SELECT user_id, min(played_at), max(played_at), count(*), sum(ms_played)
                FROM (SELECT user_id, span, played_at, ms_played,
                             sum(brk) OVER (PARTITION BY user_id, span ORDER BY played_at) AS grp
                      FROM (SELECT p.user_id, sp.start_at AS span, p.played_at, p.ms_played,
                                   CASE WHEN p.played_at - lag(p.played_at)
                                             OVER (PARTITION BY p.user_id, sp.start_at ORDER BY p.played_at)
                                             <= CAST(? AS interval) THEN 0 ELSE 1 END AS brk
                            FROM (SELECT DISTINCT * FROM jsonb_to_recordset(CAST(? AS jsonb))
                                      AS sp(user_id text, start_at timestamptz, end_at timestamptz)) sp
                            JOIN {plays} p ON p.user_id = sp.user_id AND p.played_at BETWEEN sp.start_at AND sp.end_at) o
                     ) g
                GROUP BY user_id, span, grp
                """), config.sessionGap().toSeconds() + " seconds", spans.toString());
    }

    private static void putArtists(ObjectNode row, TrackRef track) {
        ArrayNode ids = row.putArray("artist_ids");
        ArrayNode names = row.putArray("artist_names");
        track.artists().forEach(artist -> {
            ids.add(artist.id());
            names.add(artist.name());
        });
    }

    private static String rollup(String template, String table, String key, String value, String join) {
        return template.replace("{table}", table)
                .replace("{key}", key)
                .replace("{value}", value)
                .replace("{join}", join);
    }

    /**
     * A session is a maximal run of plays with consecutive {@code played_at} at most the gap apart. New plays
     * join (and may bridge) the sessions that reach within the gap of them, whatever order plays arrive in.
     */
    private void mergeSessions(ReadModelTables t, List<PlayEvent> fresh) {
        if (fresh.isEmpty()) {
            return;
        }
        Duration gap = config.sessionGap();
        Map<String, List<Session>> byUser = new TreeMap<>();
        for (PlayEvent play : fresh) {
            byUser.computeIfAbsent(play.userId(), u -> new ArrayList<>())
                    .add(new Session(play.playedAt(), play.playedAt(), 1, play.msPlayed(), false));
        }
        ArrayNode ranges = json.createArrayNode();
        byUser.forEach((user, plays) -> ranges.addObject()
                .put("user_id", user)
                .put(
                        "low",
                        plays.stream()
                                .map(Session::start)
                                .min(Instant::compareTo)
                                .orElseThrow()
                                .minus(gap)
                                .toString())
                .put(
                        "high",
                        plays.stream()
                                .map(Session::start)
                                .max(Instant::compareTo)
                                .orElseThrow()
                                .plus(gap)
                                .toString()));
        db.query(
                t.sql("""
                SELECT s.user_id, s.start_at, s.end_at, s.plays, s.ms
                FROM jsonb_to_recordset(CAST(? AS jsonb)) AS r(user_id text, low timestamptz, high timestamptz)
                JOIN {sessions} s ON s.user_id = r.user_id AND s.end_at >= r.low AND s.start_at <= r.high
                """),
                rs -> byUser.get(rs.getString(1))
                        .add(new Session(
                                Db.instant(rs, "start_at"),
                                Db.instant(rs, "end_at"),
                                rs.getLong(4),
                                rs.getLong(5),
                                true)),
                ranges.toString());

        ArrayNode removed = json.createArrayNode();
        ArrayNode merged = json.createArrayNode();
        byUser.forEach((user, sessions) -> {
            sessions.sort(Comparator.comparing(Session::start));
            List<Session> run = new ArrayList<>();
            Instant runEnd = null;
            for (Session session : sessions) {
                if (runEnd != null && session.start().isAfter(runEnd.plus(gap))) {
                    writeRun(user, run, removed, merged);
                    run.clear();
                    runEnd = null;
                }
                run.add(session);
                runEnd = runEnd == null || session.end().isAfter(runEnd) ? session.end() : runEnd;
            }
            writeRun(user, run, removed, merged);
        });
        db.update(t.sql("""
                DELETE FROM {sessions} s USING jsonb_to_recordset(CAST(? AS jsonb)) AS d(user_id text, start_at timestamptz)
                WHERE s.user_id = d.user_id AND s.start_at = d.start_at
                """), removed.toString());
        db.update(t.sql("""
                INSERT INTO {sessions} (user_id, start_at, end_at, plays, ms)
                SELECT * FROM jsonb_to_recordset(CAST(? AS jsonb))
                    AS n(user_id text, start_at timestamptz, end_at timestamptz, plays bigint, ms bigint)
                """), merged.toString());
    }

    /** A run holding a new play replaces its stored sessions by one; a run of one stored session stays. */
    private static void writeRun(String user, List<Session> run, ArrayNode removed, ArrayNode merged) {
        if (run.stream().allMatch(Session::stored)) {
            return;
        }
        run.stream()
                .filter(Session::stored)
                .forEach(s -> removed.addObject()
                        .put("user_id", user)
                        .put("start_at", s.start().toString()));
        merged.addObject()
                .put("user_id", user)
                .put(
                        "start_at",
                        run.stream()
                                .map(Session::start)
                                .min(Instant::compareTo)
                                .orElseThrow()
                                .toString())
                .put(
                        "end_at",
                        run.stream()
                                .map(Session::end)
                                .max(Instant::compareTo)
                                .orElseThrow()
                                .toString())
                .put("plays", run.stream().mapToLong(Session::plays).sum())
                .put("ms", run.stream().mapToLong(Session::ms).sum());
    }

    private record PlayKey(String userId, Instant playedAt) {}

    private record Session(Instant start, Instant end, long plays, long ms, boolean stored) {}

    /**
     * Rebuilds the user's day rollups, their month and year tiers and the listening days of one generation from its
     * plays, in the zone of their settings.
     */
    public void rebuildDays(ReadModelTables t, String user) {
        for (String kind : List.of("track", "album", "artist", "hour")) {
            for (String base : kindTables(kind)) {
                db.update("DELETE FROM " + t.name(base) + " WHERE user_id = ?", user);
            }
        }
        insertDays(t, "WHERE p.user_id = ?", user);
    }

    /** Rebuilds every rollup of the user from plays (bulk loads, repairs); zone-independent parts included. */
    public void rebuildAll(ReadModelTables t, String user) {
        rebuildDays(t, user);
        for (String table : List.of(t.trackTotals(), t.albumTotals(), t.artistTotals(), t.sessions())) {
            db.update("DELETE FROM " + table + " WHERE user_id = ?", user);
        }
        insertTotals(t, "WHERE p.user_id = ?", user);
    }

    /**
     * Every rollup of a generation computed at once from its plays: the second half of a replay's bulk path
     * ({@link #loadPlays}), a few grouped scans instead of one incremental statement per batch. Returned as
     * independent parts, each to run in a transaction of its own (in parallel, so the build uses every core the
     * database has), after {@link #settleMembersForBuild} and with every writer held off
     * ({@link #lockGenerationsExclusively}). Each part replaces what its tables held and gives them the indexes
     * {@code model}'s have (those {@link #prepareBulkLoad} dropped). Costliest first.
     */
    public List<Runnable> rollupBuildParts(ReadModelTables t, ReadModelTables model) {
        List<Runnable> parts = new ArrayList<>();
        for (String kind : List.of("artist", "track", "album", "hour")) {
            parts.add(() -> buildPart(t, model, kindTables(kind), () -> insertDays(t, kind, "", null)));
        }
        parts.add(() -> buildPart(t, model, List.of("sessions"), () -> insertSessions(t, "", null)));
        for (String kind : List.of("artist", "track", "album")) {
            parts.add(() -> buildPart(t, model, List.of(kind + "_totals"), () -> insertTotal(t, kind, "", null)));
        }
        parts.add(() -> buildPart(t, model, List.of("plays"), () -> {}));
        parts.add(() -> {
            db.update("SET LOCAL work_mem = '256MB'");
            insertCatalogue(t, "", null);
        });
        return parts;
    }

    /** A kind's day rollup and its tiers; the hours' include the listening days. */
    private static List<String> kindTables(String kind) {
        List<String> tables = new ArrayList<>(List.of(kind + "_days"));
        ReadModelTables.TIERS.forEach(tier -> tables.add(kind + "_" + tier + "s"));
        if (kind.equals("hour")) {
            tables.add("listening_days");
        }
        return tables;
    }

    private void buildPart(ReadModelTables t, ReadModelTables model, List<String> bases, Runnable fill) {
        db.update("SET LOCAL work_mem = '256MB'");
        db.update("SET LOCAL maintenance_work_mem = '256MB'");
        for (String base : bases) {
            if (!base.equals("plays")) {
                db.update("TRUNCATE " + t.name(base));
            }
        }
        fill.run();
        for (String base : bases) {
            copyIndexes(model.name(base), t.name(base));
        }
    }

    /** Every member with plays in the generation gets settings (their zone), as the live path gives them. */
    public void settleMembersForBuild(ReadModelTables t) {
        db.update(t.sql("""
                INSERT INTO user_settings (user_id, time_zone) SELECT DISTINCT user_id, ? FROM {plays}
                ON CONFLICT (user_id) DO NOTHING
                """), config.defaultTimeZone());
    }

    /** Records that the generation's rollups were built: from now on they move with each play. */
    public void markRollupsBuilt(ReadModelTables t) {
        db.update("INSERT INTO read_model_rollups_built (generation) VALUES (?)", t.generation());
    }

    /**
     * The catalogue from the plays {@code where} selects ({@code user} its parameter, if any): a replay's rollup build
     * (every play) and a member's rebuild (theirs). The catalogue is shared by the generations, so a name the live
     * path stored already stays; an album without a cover there gets the latest cover its plays carry (so albums
     * folded before plays kept covers get theirs).
     */
    private void insertCatalogue(ReadModelTables t, String where, String user) {
        insert(t, """
                INSERT INTO catalogue_tracks (track_id, name, album_id, artist_ids, artist_names)
                SELECT DISTINCT ON (track_id) track_id, track_name, album_id, artist_ids, artist_names FROM {plays} p
                %s ORDER BY track_id, provisional, played_at DESC
                ON CONFLICT (track_id) DO NOTHING
                """.formatted(where), user);
        insert(t, """
                INSERT INTO catalogue_albums (album_id, name, image_url)
                SELECT DISTINCT ON (album_id) album_id, album_name, album_image_url FROM {plays} p
                %s ORDER BY album_id, album_image_url IS NULL, played_at DESC
                ON CONFLICT (album_id) DO UPDATE SET image_url = EXCLUDED.image_url
                WHERE catalogue_albums.image_url IS NULL AND EXCLUDED.image_url IS NOT NULL
                """.formatted(where), user);
        insert(t, """
                INSERT INTO catalogue_artists (artist_id, name)
                SELECT DISTINCT ON (a.artist_id) a.artist_id, a.name
                FROM {plays} p CROSS JOIN LATERAL unnest(p.artist_ids, p.artist_names) AS a(artist_id, name)
                %s ORDER BY a.artist_id, p.played_at DESC
                ON CONFLICT (artist_id) DO NOTHING
                """.formatted(where), user);
    }

    /** A member's rebuild: what the catalogue lacks of their plays (album covers included) comes from them. */
    public void rebuildCatalogue(ReadModelTables t, String user) {
        insertCatalogue(t, "WHERE p.user_id = ?", user);
    }

    /** The day rollups and their tiers from the plays {@code where} selects (with {@code user} its parameter, if any). */
    private void insertDays(ReadModelTables t, String where, String user) {
        for (String kind : List.of("track", "album", "artist", "hour")) {
            insertDays(t, kind, where, user);
        }
    }

    /** One kind's day rollup and its tiers (and the listening days, with the hours). */
    private void insertDays(ReadModelTables t, String kind, String where, String user) {
        String day = "(p.played_at AT TIME ZONE s.time_zone)::date";
        String key = kind.equals("hour") ? "hour" : kind + "_id";
        String value = switch (kind) {
            case "hour" -> "EXTRACT(HOUR FROM p.played_at AT TIME ZONE s.time_zone)::smallint";
            case "artist" -> "a.artist_id";
            default -> "p." + key;
        };
        String byArtist =
                kind.equals("artist") ? "CROSS JOIN LATERAL (SELECT DISTINCT unnest(p.artist_ids) AS artist_id) a" : "";
        insert(t, """
                INSERT INTO %1$s (user_id, day, %2$s, plays, ms)
                SELECT p.user_id, %3$s, %4$s, count(*), sum(p.ms_played)
                FROM {plays} p JOIN user_settings s USING (user_id) %5$s %6$s GROUP BY 1, 2, 3
                """.formatted(t.name(kind + "_days"), key, day, value, byArtist, where), user);
        // the tiers are sums of the day rows just written, far fewer rows than plays
        String dayRows = where.replace("p.user_id", "user_id");
        for (String tier : ReadModelTables.TIERS) {
            boolean marksDays = marksDays(kind, tier);
            insert(
                    t,
                    "INSERT INTO " + t.name(kind + "_" + tier + "s") + " (user_id, " + tier + ", " + tierKey(kind, key)
                            + ", plays, ms" + (marksDays ? ", days" : "") + ") SELECT user_id, " + tierBucket(tier)
                            + ", " + tierValue(kind, key) + ", sum(plays), sum(ms)"
                            + (marksDays ? ", bit_or(" + dayOfYearBit("day") + ")" : "") + " FROM "
                            + t.name(kind + "_days") + " " + dayRows + " GROUP BY 1, 2, 3",
                    user);
        }
        if (kind.equals("hour")) {
            insert(
                    t,
                    "INSERT INTO " + t.listeningDays() + " (user_id, day, plays, ms) SELECT user_id, day, sum(plays),"
                            + " sum(ms) FROM " + t.hourDays() + " " + dayRows + " GROUP BY 1, 2",
                    user);
        }
    }

    /** The all-time rollups and the sessions from the plays {@code where} selects. */
    private void insertTotals(ReadModelTables t, String where, String user) {
        for (String kind : List.of("track", "album", "artist")) {
            insertTotal(t, kind, where, user);
        }
        insertSessions(t, where, user);
    }

    private void insertTotal(ReadModelTables t, String kind, String where, String user) {
        String byArtist =
                kind.equals("artist") ? "CROSS JOIN LATERAL (SELECT DISTINCT unnest(p.artist_ids) AS artist_id) a" : "";
        insert(
                t,
                """
                INSERT INTO %1$s (user_id, %2$s, first_at, last_at, plays, ms)
                SELECT p.user_id, %3$s, min(p.played_at), max(p.played_at), count(*), sum(p.ms_played)
                FROM {plays} p %4$s %5$s GROUP BY 1, 2
                """.formatted(
                                t.name(kind + "_totals"),
                                kind + "_id",
                                kind.equals("artist") ? "a.artist_id" : "p." + kind + "_id",
                                byArtist,
                                where),
                user);
    }

    private void insertSessions(ReadModelTables t, String where, String user) {
        String gap = config.sessionGap().toSeconds() + " seconds";
        insert(t, """
                INSERT INTO {sessions} (user_id, start_at, end_at, plays, ms)
                SELECT user_id, min(played_at), max(played_at), count(*), sum(ms_played)
                FROM (SELECT user_id, played_at, ms_played,
                             sum(brk) OVER (PARTITION BY user_id ORDER BY played_at) AS grp
                      FROM (SELECT p.user_id, p.played_at, p.ms_played,
                                   CASE WHEN p.played_at - lag(p.played_at)
                                                 OVER (PARTITION BY p.user_id ORDER BY p.played_at)
                                             <= CAST('%s' AS interval) THEN 0 ELSE 1 END AS brk
                            FROM {plays} p %s) o) g
                GROUP BY user_id, grp
                """.formatted(gap, where), user);
    }

    private void insert(ReadModelTables t, String sql, String user) {
        if (user == null) {
            db.update(t.sql(sql));
        } else {
            db.update(t.sql(sql), user);
        }
    }

    /** Removes every row of the user from one generation. */
    public void purge(ReadModelTables t, String user) {
        for (String base : ReadModelTables.BASE_NAMES) {
            db.update("DELETE FROM " + t.name(base) + " WHERE user_id = ?", user);
        }
    }

    public void countIngested(Instant now, int plays) {
        db.update("""
                INSERT INTO plays_ingested_hourly (hour, plays) VALUES (date_trunc('hour', CAST(? AS timestamptz) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', ?)
                ON CONFLICT (hour) DO UPDATE SET plays = plays_ingested_hourly.plays + EXCLUDED.plays
                """, now, plays);
    }
}
