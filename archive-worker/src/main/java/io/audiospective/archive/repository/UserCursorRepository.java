package io.audiospective.archive.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/** Per user: the newest archived play and when polls last ran (written by {@link PolledPageRepository}). */
@ApplicationScoped
public class UserCursorRepository {

    private final EntityManager entityManager;

    UserCursorRepository(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    public void delete(String userId) {
        entityManager
                .createNativeQuery("DELETE FROM user_cursors WHERE user_id = :userId")
                .setParameter("userId", userId)
                .executeUpdate();
    }
}
