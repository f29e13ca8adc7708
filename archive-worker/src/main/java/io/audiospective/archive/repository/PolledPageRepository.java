package io.audiospective.archive.repository;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.model.PlayEvent;
import io.audiospective.model.Topics;
import io.audiospective.model.codec.MessageCodec;
import io.audiospective.support.sql.Db;

/**
 * Archives one polled page in ONE statement after the user's {@link UserArchiveLock}: the page's new plays into
 * {@code play_events} (a play an import archived already is not new), the same plays into the outbox, the user's
 * cursor moved forward, and the cursor as it was before. The lock and the statement run in a transaction of their
 * own on one connection from {@link Db}'s data source, without JTA: this runs for every poll, and a profile once
 * found Hibernate's native queries and the JTA transaction around them to be about half of the worker's CPU. The
 * lock is a statement of its own: a statement sees what was committed when it started, so the page's statement starts
 * once it has the lock and sees what an import of the user committed meanwhile.
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
                SELECT ?, page.played_at, page.track_id, page.ms_played, 'POLL' FROM page
                -- a play an import archived first (its file's second or minute precision, see
                -- ImportMergeRepository.merge)
                WHERE NOT EXISTS (
                    SELECT 1 FROM play_events i
                    WHERE i.user_id = ? AND i.source = 'IMPORT' AND i.track_id = page.track_id
                      AND i.played_at BETWEEN page.played_at - CAST(? AS interval) AND page.played_at + CAST(? AS interval)
                      AND (i.minute_precision
                           OR i.played_at BETWEEN page.played_at - CAST(? AS interval)
                                              AND page.played_at + CAST(? AS interval)))
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

    private final Db db;

    PolledPageRepository(Db db) {
        this.db = db;
    }

    /** What archiving a page did. */
    public record Archived(List<PlayEvent> newPlays, Instant previousNewest) {}

    /**
     * @param plays one user's page; their tracks must be in the catalogue already
     * @param newestOfPage the page's newest play, null for an empty page: the cursor only moves forward, since
     *        late plays may be older than it
     */
    public Archived archive(String userId, List<PlayEvent> plays, Instant newestOfPage, Instant polledAt) {
        // one row per instant: the outbox join is on played_at
        Map<Long, PlayEvent> byMicros = new LinkedHashMap<>();
        for (PlayEvent play : plays) {
            byMicros.putIfAbsent(EpochMicros.of(play.playedAt()), play);
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
        try (Connection connection = db.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try {
                Archived archived = archive(
                        connection, userId, byMicros, playedAts, trackIds, msPlayed, payloads, newestOfPage, polledAt);
                connection.commit();
                return archived;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Archiving the page of user " + userId + " failed: " + e.getMessage(), e);
        }
    }

    private static Archived archive(
            Connection connection,
            String userId,
            Map<Long, PlayEvent> byMicros,
            long[] playedAts,
            String[] trackIds,
            long[] msPlayed,
            byte[][] payloads,
            Instant newestOfPage,
            Instant polledAt)
            throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement(UserArchiveLock.ACQUIRE)) {
            Db.bind(connection, lock, userId);
            lock.execute();
        }
        try (PreparedStatement statement = connection.prepareStatement(ARCHIVE_PAGE)) {
            Db.bind(
                    connection,
                    statement,
                    playedAts,
                    trackIds,
                    msPlayed,
                    payloads,
                    userId,
                    userId,
                    userId,
                    ImportMergeRepository.MINUTE_TOLERANCE,
                    ImportMergeRepository.MINUTE_TOLERANCE,
                    ImportMergeRepository.MATCH_TOLERANCE,
                    ImportMergeRepository.MATCH_TOLERANCE,
                    Topics.PLAYS,
                    userId,
                    userId,
                    newestOfPage == null ? null : EpochMicros.of(newestOfPage),
                    EpochMicros.of(polledAt),
                    EpochMicros.of(polledAt));
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                long previous = result.getLong(1);
                Instant previousNewest = result.wasNull() ? null : EpochMicros.instant(previous);
                Array inserted = result.getArray(2);
                List<PlayEvent> newPlays = new ArrayList<>();
                if (inserted != null) {
                    for (Long micros : (Long[]) inserted.getArray()) {
                        newPlays.add(byMicros.get(micros));
                    }
                }
                return new Archived(newPlays, previousNewest);
            }
        }
    }
}
