package io.audiospective.auth.repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.audiospective.auth.MailCategory;

/** Which categories of mail a member turned off (table mail_opt_outs, V6). */
@ApplicationScoped
public class MailPreferencesRepository {

    private final EntityManager entityManager;

    MailPreferencesRepository(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    @SuppressWarnings("unchecked")
    public Set<MailCategory> optedOut(String userId) {
        List<String> rows = entityManager
                .createNativeQuery("SELECT category FROM mail_opt_outs WHERE user_id = :user")
                .setParameter("user", userId)
                .getResultList();
        Set<MailCategory> categories = EnumSet.noneOf(MailCategory.class);
        rows.forEach(row -> categories.add(MailCategory.valueOf(row)));
        return categories;
    }

    public void set(String userId, MailCategory category, boolean wanted, Instant now) {
        if (wanted) {
            entityManager
                    .createNativeQuery("DELETE FROM mail_opt_outs WHERE user_id = :user AND category = :category")
                    .setParameter("user", userId)
                    .setParameter("category", category.name())
                    .executeUpdate();
        } else {
            entityManager
                    .createNativeQuery("INSERT INTO mail_opt_outs (user_id, category, created_at)"
                            + " VALUES (:user, :category, :now) ON CONFLICT DO NOTHING")
                    .setParameter("user", userId)
                    .setParameter("category", category.name())
                    .setParameter("now", Timestamp.from(now))
                    .executeUpdate();
        }
    }
}
