package io.audiospective.api.repository;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.api.ReadModelTables;
import io.audiospective.api.Views.Artist;
import io.audiospective.api.Views.PlayView;
import io.audiospective.support.sql.Db;

/** The raw denormalised plays: history pages and exports. */
@ApplicationScoped
public class HistoryRepository {

    /** Plays per export page: one index range read of about 300 KB. */
    static final int EXPORT_PAGE = 1000;

    private final Db db;

    HistoryRepository(Db db) {
        this.db = db;
    }

    /** Filters of a history query; null fields do not filter. {@code before} is the exclusive cursor. */
    public record Filter(Instant start, Instant end, String artistId, String trackId, String albumId, Instant before) {}

    /** Newest first, at most {@code limit} rows. */
    public List<PlayView> page(ReadModelTables t, String user, java.time.ZoneId zone, Filter filter, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM " + t.plays() + " WHERE user_id = ?");
        List<Object> params = new ArrayList<>(List.of(user));
        if (filter.start() != null) {
            sql.append(" AND played_at >= ?");
            params.add(filter.start());
        }
        if (filter.end() != null) {
            sql.append(" AND played_at < ?");
            params.add(filter.end());
        }
        if (filter.before() != null) {
            sql.append(" AND played_at < ?");
            params.add(filter.before());
        }
        if (filter.trackId() != null) {
            sql.append(" AND track_id = ?");
            params.add(filter.trackId());
        }
        if (filter.albumId() != null) {
            // index plays_user_album (V23)
            sql.append(" AND album_id = ?");
            params.add(filter.albumId());
        }
        if (filter.artistId() != null) {
            // the expression of the plays_by_artist index (V12): the member's plays of this artist only
            sql.append(" AND play_artist_keys(user_id, artist_ids) @> ARRAY[? || chr(31) || ?]");
            params.add(user);
            params.add(filter.artistId());
        }
        sql.append(" ORDER BY played_at DESC LIMIT ?");
        params.add(limit);
        return db.query(sql.toString(), rs -> view(rs, zone), params.toArray());
    }

    /** Receives exported plays one by one. */
    @FunctionalInterface
    public interface PlaySink {
        void accept(PlayView play) throws IOException;
    }

    /**
     * Sends every play of the user to {@code sink}, oldest first, in pages of {@code EXPORT_PAGE} plays: each page
     * is one short query on a pooled connection, returned before the page is written, so a client reading slowly
     * holds no connection and no transaction (the keyset, {@code played_at}, is unique per user). Memory stays at
     * one page whatever the history's size. A play folded during the export is included if it is newer than the
     * page being written.
     */
    public void export(ReadModelTables t, String user, java.time.ZoneId zone, PlaySink sink) throws IOException {
        String first = "SELECT * FROM " + t.plays() + " WHERE user_id = ? ORDER BY played_at LIMIT ?";
        String next = "SELECT * FROM " + t.plays() + " WHERE user_id = ? AND played_at > ? ORDER BY played_at LIMIT ?";
        List<PlayView> page = db.query(first, rs -> view(rs, zone), user, EXPORT_PAGE);
        while (!page.isEmpty()) {
            for (PlayView play : page) {
                sink.accept(play);
            }
            if (page.size() < EXPORT_PAGE) {
                return;
            }
            page = db.query(
                    next, rs -> view(rs, zone), user, page.get(page.size() - 1).playedAt(), EXPORT_PAGE);
        }
    }

    /** How many plays of the member generation {@code t} holds. */
    public long count(ReadModelTables t, String user) {
        return db.queryOne("SELECT count(*) FROM " + t.plays() + " WHERE user_id = ?", rs -> rs.getLong(1), user)
                .orElseThrow();
    }

    private static PlayView view(ResultSet rs, java.time.ZoneId zone) throws SQLException {
        Instant at = Db.instant(rs, "played_at");
        List<String> ids = Db.strings(rs, "artist_ids");
        List<String> names = Db.strings(rs, "artist_names");
        List<Artist> artists = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            artists.add(new Artist(ids.get(i), i < names.size() ? names.get(i) : null));
        }
        return new PlayView(
                at,
                at.atZone(zone).toLocalDateTime(),
                rs.getString("track_id"),
                rs.getString("track_name"),
                rs.getString("album_id"),
                rs.getString("album_name"),
                artists,
                rs.getLong("ms_played"),
                rs.getString("source"),
                rs.getString("album_image_url"));
    }
}
