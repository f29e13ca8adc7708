package io.audiospective.api.repository;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.api.ArchiveCoverage.Run;
import io.audiospective.api.ReadModelTables;
import io.audiospective.support.sql.Db;

/** What the polls verified of each member's time ({@code archive_coverage}), and the hours imports filled in. */
@ApplicationScoped
public class CoverageRepository {

    private final Db db;

    CoverageRepository(Db db) {
        this.db = db;
    }

    /** Where the member's verified time ends: their last successful poll as coverage knows it. */
    public Optional<Instant> end(String userId) {
        return db.queryOne(
                "SELECT ends_at FROM archive_coverage WHERE user_id = ? ORDER BY ends_at DESC LIMIT 1",
                rs -> Db.instant(rs, "ends_at"),
                userId);
    }

    /**
     * Adds the time from {@code from} to {@code to}, with or without a gap: the last run grows when it is of the same
     * kind and ends at {@code from}, otherwise a run starts.
     */
    public void extend(String userId, Instant from, Instant to, boolean gap) {
        int grown = db.update(
                "UPDATE archive_coverage SET ends_at = ? WHERE user_id = ? AND ends_at = ? AND gap = ?",
                to,
                userId,
                from,
                gap);
        if (grown == 0) {
            db.update("""
                    INSERT INTO archive_coverage (user_id, starts_at, ends_at, gap) VALUES (?, ?, ?, ?)
                    ON CONFLICT (user_id, starts_at) DO NOTHING
                    """, userId, from, to, gap);
        }
    }

    /** The member's first run: what their first successful poll verified. */
    public Optional<Run> first(String userId) {
        return db.queryOne(
                "SELECT starts_at, ends_at, gap FROM archive_coverage WHERE user_id = ? ORDER BY starts_at LIMIT 1",
                rs -> new Run(Db.instant(rs, "starts_at"), Db.instant(rs, "ends_at"), rs.getBoolean("gap")),
                userId);
    }

    /** The member's runs that touch {@code [from, to)}, oldest first. */
    public List<Run> runs(String userId, Instant from, Instant to) {
        return db.query(
                """
                SELECT starts_at, ends_at, gap FROM archive_coverage
                WHERE user_id = ? AND ends_at > ? AND starts_at < ? ORDER BY starts_at
                """,
                rs -> new Run(Db.instant(rs, "starts_at"), Db.instant(rs, "ends_at"), rs.getBoolean("gap")),
                userId,
                from,
                to);
    }

    /**
     * The member's imported plays in {@code [from, to)} per local hour of {@code zone}: the plays an import filled in.
     * Read from the plays' key (user, time), so a member's window costs their plays in it, not everyone's.
     */
    public Map<LocalDateTime, Long> importedPerHour(
            ReadModelTables t, String userId, ZoneId zone, Instant from, Instant to) {
        Map<LocalDateTime, Long> hours = new HashMap<>();
        db.query(
                t.sql("""
                        SELECT date_trunc('hour', played_at AT TIME ZONE ?) AS hour, count(*) AS plays FROM {plays}
                        WHERE user_id = ? AND played_at >= ? AND played_at < ? AND source = 'IMPORT'
                        GROUP BY 1
                        """),
                rs -> hours.put(rs.getObject("hour", LocalDateTime.class), rs.getLong("plays")),
                zone.getId(),
                userId,
                from,
                to);
        return hours;
    }

    public void delete(String userId) {
        db.update("DELETE FROM archive_coverage WHERE user_id = ?", userId);
    }
}
