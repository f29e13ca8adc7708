package io.audiospective.archive.repository;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.postgresql.PGConnection;

import io.audiospective.model.PlayEvent;
import io.audiospective.model.Topics;
import io.audiospective.model.codec.MessageCodec;

/**
 * Archives one polled page in ONE statement, and so one round trip and one implicit transaction: the page's new
 * plays into {@code play_events}, the same plays into the outbox, the user's cursor moved forward, and the cursor as
 * it was before. Plain JDBC on purpose: this runs for every poll, and going through Hibernate's native queries
 * (parameter parsing, type resolution, a JTA transaction around four statements) cost more CPU than the SQL itself.
 */
@ApplicationScoped
public class PolledPageRepository {

    private static final String ARCHIVE_PAGE = """
            WITH page AS (
                -- played_at as epoch microseconds: exact, and cheap to bind and parse
                SELECT timestamptz 'epoch' + p.micros * interval '1 microsecond' AS played_at, p.track_id,
                       p.ms_played, p.payload
                FROM unnest(CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS bytea[]))
                     AS p(micros, track_id, ms_played, payload)),
            previous AS (SELECT newest_played_at FROM user_cursors WHERE user_id = ?),
            inserted AS (
                INSERT INTO play_events (user_id, played_at, track_id, ms_played, source)
                SELECT ?, played_at, track_id, ms_played, 'POLL' FROM page
                ON CONFLICT (user_id, played_at) DO NOTHING
                RETURNING played_at),
            published AS (
                INSERT INTO outbox (topic, message_key, payload)
                SELECT ?, ?, page.payload FROM inserted JOIN page USING (played_at)
                ORDER BY played_at),
            cursor AS (
                INSERT INTO user_cursors (user_id, newest_played_at, last_polled_at, last_success_at)
                VALUES (?, timestamptz 'epoch' + CAST(? AS bigint) * interval '1 microsecond',
                        timestamptz 'epoch' + CAST(? AS bigint) * interval '1 microsecond',
                        timestamptz 'epoch' + CAST(? AS bigint) * interval '1 microsecond')
                ON CONFLICT (user_id) DO UPDATE SET
                    newest_played_at = GREATEST(user_cursors.newest_played_at, EXCLUDED.newest_played_at),
                    last_polled_at = EXCLUDED.last_polled_at,
                    last_success_at = EXCLUDED.last_success_at)
            SELECT CAST(extract(epoch FROM (SELECT newest_played_at FROM previous)) * 1000000 AS bigint),
                   (SELECT array_agg(CAST(extract(epoch FROM played_at) * 1000000 AS bigint)) FROM inserted)
            """;

    private final DataSource dataSource;

    PolledPageRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** What archiving a page did. */
    public record Archived(List<PlayEvent> newPlays, Instant previousNewest) {
    }

    /**
     * @param plays one user's page; their tracks must be in the catalogue already
     * @param newestOfPage the page's newest play, null for an empty page: the cursor only moves forward, since
     *        late plays may be older than it
     */
    public Archived archive(String userId, List<PlayEvent> plays, Instant newestOfPage, Instant polledAt) {
        // one row per instant: the outbox join is on played_at
        Map<Long, PlayEvent> byMicros = new LinkedHashMap<>();
        for (PlayEvent play : plays) {
            byMicros.putIfAbsent(micros(play.playedAt()), play);
        }
        int n = byMicros.size();
        long[] playedAts = new long[n];
        String[] trackIds = new String[n];
        long[] msPlayed = new long[n];
        byte[][] payloads = new byte[n][];
        int i = 0;
        for (Map.Entry<Long, PlayEvent> entry : byMicros.entrySet()) {
            playedAts[i] = entry.getKey();
            trackIds[i] = entry.getValue().track().id();
            msPlayed[i] = entry.getValue().msPlayed();
            payloads[i] = MessageCodec.encode(entry.getValue());
            i++;
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(ARCHIVE_PAGE)) {
            PGConnection pg = connection.unwrap(PGConnection.class);
            statement.setArray(1, pg.createArrayOf("int8", playedAts));
            statement.setArray(2, pg.createArrayOf("text", trackIds));
            statement.setArray(3, pg.createArrayOf("int8", msPlayed));
            statement.setArray(4, pg.createArrayOf("bytea", payloads));
            statement.setString(5, userId);
            statement.setString(6, userId);
            statement.setString(7, Topics.PLAYS);
            statement.setString(8, userId);
            statement.setString(9, userId);
            if (newestOfPage == null) {
                statement.setNull(10, java.sql.Types.BIGINT);
            } else {
                statement.setLong(10, micros(newestOfPage));
            }
            statement.setLong(11, micros(polledAt));
            statement.setLong(12, micros(polledAt));
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                long previous = result.getLong(1);
                Instant previousNewest = result.wasNull() ? null : instant(previous);
                Array inserted = result.getArray(2);
                List<PlayEvent> newPlays = new ArrayList<>();
                if (inserted != null) {
                    for (Long micros : (Long[]) inserted.getArray()) {
                        newPlays.add(byMicros.get(micros));
                    }
                }
                return new Archived(newPlays, previousNewest);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Archiving the page of user " + userId + " failed: " + e.getMessage(), e);
        }
    }

    static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    private static Instant instant(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }
}
