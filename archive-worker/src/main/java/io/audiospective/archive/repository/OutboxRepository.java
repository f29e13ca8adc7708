package io.audiospective.archive.repository;

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

    /** The oldest pending rows, locked so that concurrent relays (other replicas) take different ones. */
    @SuppressWarnings("unchecked")
    public List<Object[]> lockOldest(int limit) {
        return entityManager.createNativeQuery("""
                SELECT id, topic, message_key, payload FROM outbox ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED
                """).setParameter("limit", limit).getResultList();
    }

    public void delete(List<Long> ids) {
        entityManager.createNativeQuery("DELETE FROM outbox WHERE id = ANY(CAST(:ids AS bigint[]))")
                .setParameter("ids", ids.toArray(Long[]::new)).executeUpdate();
    }

    public void deleteForUser(String userId) {
        entityManager.createNativeQuery("DELETE FROM outbox WHERE message_key = :userId")
                .setParameter("userId", userId).executeUpdate();
    }

    public long pending() {
        return ((Number) entityManager.createNativeQuery("SELECT count(*) FROM outbox").getSingleResult())
                .longValue();
    }
}
