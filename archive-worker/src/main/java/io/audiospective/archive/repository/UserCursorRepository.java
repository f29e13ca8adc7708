package io.audiospective.archive.repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/** Per user: the newest archived play and when polls last ran. */
@ApplicationScoped
public class UserCursorRepository {

    private final EntityManager entityManager;

    UserCursorRepository(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** The newest play archived so far, null before the first. */
    public Instant newestPlayedAt(String userId) {
        List<?> rows = entityManager
                .createNativeQuery("SELECT newest_played_at FROM user_cursors WHERE user_id = :userId")
                .setParameter("userId", userId).getResultList();
        return rows.isEmpty() || rows.get(0) == null ? null : toInstant(rows.get(0));
    }

    /** A successful poll: the cursor only moves forward, since late plays may be older than it. */
    public void recordSuccess(String userId, Instant newestOfPage, Instant polledAt) {
        entityManager.createNativeQuery("""
                INSERT INTO user_cursors (user_id, newest_played_at, last_polled_at, last_success_at)
                VALUES (:userId, :newest, :polledAt, :polledAt)
                ON CONFLICT (user_id) DO UPDATE SET
                    newest_played_at = GREATEST(user_cursors.newest_played_at, EXCLUDED.newest_played_at),
                    last_polled_at = EXCLUDED.last_polled_at,
                    last_success_at = EXCLUDED.last_success_at
                """)
                .setParameter("userId", userId)
                .setParameter("newest", newestOfPage == null ? null : Timestamp.from(newestOfPage))
                .setParameter("polledAt", Timestamp.from(polledAt))
                .executeUpdate();
    }

    public void delete(String userId) {
        entityManager.createNativeQuery("DELETE FROM user_cursors WHERE user_id = :userId")
                .setParameter("userId", userId).executeUpdate();
    }

    static Instant toInstant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof Timestamp timestamp) {
            return timestamp.toInstant();
        }
        if (value instanceof java.time.OffsetDateTime offset) {
            return offset.toInstant();
        }
        throw new IllegalStateException("Unexpected timestamp type " + value.getClass());
    }
}
