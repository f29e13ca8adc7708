package io.audiospective.api.repository;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import io.audiospective.api.ReadModelChanged;
import io.audiospective.support.sql.Db;

/**
 * A member's settings in the read model ({@code user_settings}): the time zone their statistics are computed in and
 * how often they changed it lately. The row exists once the read model holds anything of the member.
 */
@ApplicationScoped
public class MemberSettingsRepository {

    /** The member's zone and their own changes of it counted since {@code since} (null before the first). */
    public record ZoneChanges(String zone, int count, Instant since) {}

    private final Db db;
    private final Event<ReadModelChanged> changes;

    MemberSettingsRepository(Db db, Event<ReadModelChanged> changes) {
        this.db = db;
        this.changes = changes;
    }

    /** Whether the read model holds the member. */
    public boolean exists(String userId) {
        return db.queryOne("SELECT 1 FROM user_settings WHERE user_id = ?", rs -> true, userId)
                .isPresent();
    }

    public Optional<String> timeZone(String userId) {
        return db.queryOne("SELECT time_zone FROM user_settings WHERE user_id = ?", rs -> rs.getString(1), userId);
    }

    public Optional<ZoneChanges> zoneChanges(String userId) {
        return db.queryOne(
                "SELECT time_zone, zone_changes, zone_changes_since FROM user_settings WHERE user_id = ?",
                rs -> new ZoneChanges(rs.getString(1), rs.getInt(2), Db.instant(rs, "zone_changes_since")),
                userId);
    }

    public void setZoneChanges(String userId, int count, Instant since) {
        db.update(
                "UPDATE user_settings SET zone_changes = ?, zone_changes_since = ? WHERE user_id = ?",
                count,
                since,
                userId);
    }

    public void setTimeZone(String userId, String zone) {
        db.update("UPDATE user_settings SET time_zone = ? WHERE user_id = ?", zone, userId);
        changes.fire(ReadModelChanged.of(userId));
    }

    public void delete(String userId) {
        db.update("DELETE FROM user_settings WHERE user_id = ?", userId);
        changes.fire(ReadModelChanged.of(userId));
    }

    /** Whether PostgreSQL's time-zone database knows {@code zone}: the rollups compute local days with it. */
    public boolean isKnownTimeZone(String zone) {
        return db.queryOne("SELECT 1 FROM pg_timezone_names WHERE name = ?", rs -> true, zone)
                .isPresent();
    }
}
