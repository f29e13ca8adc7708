package io.audiospective.archive.repository;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/** Plays waiting to be published to the {@code plays} topic (written by {@link PolledPageRepository} and imports). */
@ApplicationScoped
public class OutboxRepository {

    private final EntityManager entityManager;

    OutboxRepository(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /**
     * Deletes the oldest pending rows and returns them, oldest first: the deletion commits only with the caller's
     * transaction, after Kafka acknowledged them, and a failure rolls it back. SKIP LOCKED lets concurrent relays
     * (other replicas) take different rows. One write per row; locking the rows first and deleting them after the
     * send wrote each row twice.
     * Rows: id, message_key, payload.
     */
    @SuppressWarnings("unchecked")
    public List<Object[]> takeOldest(int limit) {
        List<Object[]> rows = new ArrayList<>(entityManager.createNativeQuery("""
                DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED)
                RETURNING id, message_key, payload
                """).setParameter("limit", limit).getResultList());
        rows.sort(Comparator.comparingLong(row -> ((Number) row[0]).longValue()));
        return rows;
    }

    public void deleteForUser(String userId) {
        entityManager.createNativeQuery("DELETE FROM outbox WHERE message_key = :userId")
                .setParameter("userId", userId).executeUpdate();
    }

    /**
     * About how many rows wait: the span of their ids, since ids grow and rows leave oldest first. Two index look-ups;
     * {@code count(*)} scanned the whole backlog (about 30 ms per count at 100,000 rows during an import). Ids that
     * a rolled-back insert used, or rows purged from the middle, make it a little high until the relay passes them.
     */
    public long pending() {
        return ((Number) entityManager.createNativeQuery("SELECT coalesce(max(id) - min(id) + 1, 0) FROM outbox")
                .getSingleResult()).longValue();
    }
}
