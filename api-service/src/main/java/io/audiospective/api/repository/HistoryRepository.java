package io.audiospective.api.repository;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.api.ReadModelTables;
import io.audiospective.api.Views.Artist;
import io.audiospective.api.Views.PlayView;

/** The raw denormalised plays: history pages and exports. */
@ApplicationScoped
public class HistoryRepository {

    private final Db db;

    HistoryRepository(Db db) {
        this.db = db;
    }

    /** Filters of a history query; null fields do not filter. {@code before} is the exclusive cursor. */
    public record Filter(Instant start, Instant end, String artistId, String trackId, Instant before) {
    }

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
        if (filter.artistId() != null) {
            sql.append(" AND ? = ANY (artist_ids)");
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
     * Streams every play of the user, oldest first, through a server-side cursor: memory stays flat whatever
     * the history's size.
     */
    public void export(ReadModelTables t, String user, java.time.ZoneId zone, PlaySink sink) throws IOException {
        try (Connection connection = db.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT * FROM " + t.plays() + " WHERE user_id = ? ORDER BY played_at")) {
                statement.setFetchSize(1000);
                statement.setString(1, user);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(view(rs, zone));
                    }
                }
            } finally {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IOException("Export failed: " + e.getMessage(), e);
        }
    }

    private static PlayView view(ResultSet rs, java.time.ZoneId zone) throws SQLException {
        Instant at = Db.instant(rs, "played_at");
        List<String> ids = Db.strings(rs, "artist_ids");
        List<String> names = Db.strings(rs, "artist_names");
        List<Artist> artists = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            artists.add(new Artist(ids.get(i), i < names.size() ? names.get(i) : null));
        }
        return new PlayView(at, at.atZone(zone).toLocalDateTime(), rs.getString("track_id"),
                rs.getString("track_name"), rs.getString("album_id"), rs.getString("album_name"), artists,
                rs.getLong("ms_played"), rs.getString("source"));
    }
}
