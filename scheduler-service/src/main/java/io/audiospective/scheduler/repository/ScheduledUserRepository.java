package io.audiospective.scheduler.repository;

import java.sql.Timestamp;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.scheduler.ScheduleStatus;
import io.audiospective.scheduler.ScheduledUser;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class ScheduledUserRepository implements PanacheRepositoryBase<ScheduledUser, String> {

    /**
     * Records the user's status as of {@code since}, unless a later status is already stored: events of one user
     * arrive in order, but a replay or a redelivery may bring an old one again.
     */
    public void applyStatus(String userId, ScheduleStatus status, Instant since) {
        getEntityManager().createNativeQuery("""
                INSERT INTO scheduled_users (user_id, status, status_since)
                VALUES (:userId, :status, :since)
                ON CONFLICT (user_id) DO UPDATE
                    SET status = EXCLUDED.status, status_since = EXCLUDED.status_since
                    WHERE scheduled_users.status_since <= EXCLUDED.status_since
                """)
                .setParameter("userId", userId)
                .setParameter("status", status.name())
                .setParameter("since", Timestamp.from(since))
                .executeUpdate();
    }
}
