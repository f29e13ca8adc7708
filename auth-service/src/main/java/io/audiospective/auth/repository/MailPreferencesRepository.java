package io.audiospective.auth.repository;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.auth.MailCategory;
import io.audiospective.support.sql.Db;

/** Which categories of mail a member turned off (table mail_opt_outs, V6). */
@ApplicationScoped
public class MailPreferencesRepository {

    private final Db db;

    MailPreferencesRepository(Db db) {
        this.db = db;
    }

    public Set<MailCategory> optedOut(String userId) {
        Set<MailCategory> categories = EnumSet.noneOf(MailCategory.class);
        categories.addAll(db.query(
                "SELECT category FROM mail_opt_outs WHERE user_id = ?",
                rs -> MailCategory.valueOf(rs.getString("category")),
                userId));
        return categories;
    }

    public void set(String userId, MailCategory category, boolean wanted, Instant now) {
        if (wanted) {
            db.update("DELETE FROM mail_opt_outs WHERE user_id = ? AND category = ?", userId, category.name());
        } else {
            db.update(
                    "INSERT INTO mail_opt_outs (user_id, category, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    userId,
                    category.name(),
                    now);
        }
    }
}
