package io.audiospective.api.repository;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.api.ReadModelTables;
import io.audiospective.support.sql.Db;

/**
 * The figures operators see: members by state, poll outcomes and ingested plays per hour ({@code
 * poll_outcomes_hourly}, {@code plays_ingested_hourly}), and a member's rollup sizes.
 */
@ApplicationScoped
public class AdminFiguresRepository {

    /** Plays ingested in the hour or day starting at {@code start}. */
    public record Count(Instant start, long plays) {}

    private final Db db;

    AdminFiguresRepository(Db db) {
        this.db = db;
    }

    /** Counts {@code polls} poll outcomes ({@code OK} or a failure kind) in the UTC hour of {@code completedAt}. */
    public void countPolls(Instant completedAt, String outcome, long polls) {
        db.update("""
                INSERT INTO poll_outcomes_hourly (hour, outcome, polls)
                VALUES (date_trunc('hour', CAST(? AS timestamptz) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', ?, ?)
                ON CONFLICT (hour, outcome) DO UPDATE SET polls = poll_outcomes_hourly.polls + EXCLUDED.polls
                """, completedAt, outcome, polls);
    }

    /** Members by state, ordered by state; deleted members have no status row left, only a tombstone. */
    public Map<String, Long> membersByState() {
        Map<String, Long> byState = new LinkedHashMap<>();
        db.query("""
                SELECT state, count(*) FROM (SELECT state FROM user_status
                    UNION ALL SELECT 'DELETED' FROM deleted_users WHERE readmitted_at IS NULL) members
                GROUP BY state ORDER BY state
                """, rs -> byState.put(rs.getString(1), rs.getLong(2)));
        return byState;
    }

    /** Polls by outcome in the hour buckets after {@code after}, ordered by outcome. */
    public Map<String, Long> pollsAfter(Instant after) {
        Map<String, Long> polls = new LinkedHashMap<>();
        db.query(
                "SELECT outcome, sum(polls) FROM poll_outcomes_hourly WHERE hour > ? GROUP BY outcome"
                        + " ORDER BY outcome",
                rs -> polls.put(rs.getString(1), rs.getLong(2)),
                after);
        return polls;
    }

    /** Plays ingested per hour from {@code from} on, oldest first. */
    public List<Count> playsIngestedPerHour(Instant from) {
        return db.query(
                "SELECT hour, plays FROM plays_ingested_hourly WHERE hour >= ? ORDER BY hour",
                rs -> new Count(Db.instant(rs, "hour"), rs.getLong("plays")),
                from);
    }

    /** Plays ingested per UTC day from {@code from} on, oldest first. */
    public List<Count> playsIngestedPerDay(Instant from) {
        return db.query("""
                SELECT date_trunc('day', hour AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS day, sum(plays) AS plays
                FROM plays_ingested_hourly WHERE hour >= ? GROUP BY 1 ORDER BY 1
                """, rs -> new Count(Db.instant(rs, "day"), rs.getLong("plays")), from);
    }

    /** Whether api-service knows the member at all: a status row or a place in the read model. */
    public boolean knowsMember(String userId) {
        return db.queryOne(
                        "SELECT 1 FROM user_status WHERE user_id = ? UNION ALL"
                                + " SELECT 1 FROM user_settings WHERE user_id = ? LIMIT 1",
                        rs -> true,
                        userId,
                        userId)
                .isPresent();
    }

    /** Distinct tracks the member ever played, in generation {@code tables}. */
    public long distinctTracks(ReadModelTables tables, String userId) {
        return db.queryOne(
                        "SELECT count(*) FROM " + tables.trackTotals() + " WHERE user_id = ?",
                        rs -> rs.getLong(1),
                        userId)
                .orElseThrow();
    }

    /** The member's listening sessions in generation {@code tables}. */
    public long sessions(ReadModelTables tables, String userId) {
        return db.queryOne(
                        "SELECT count(*) FROM " + tables.sessions() + " WHERE user_id = ?", rs -> rs.getLong(1), userId)
                .orElseThrow();
    }
}
