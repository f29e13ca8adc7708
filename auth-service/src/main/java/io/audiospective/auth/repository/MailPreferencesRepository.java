package io.audiospective.auth.repository;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.auth.MailCategory;
import io.audiospective.support.sql.Db;

/**
 * The member's mail choices (table mail_preferences, V10): a row per category the member chose, on or off; a
 * category without a row has its default ({@link MailCategory#onByDefault()}).
 */
@ApplicationScoped
public class MailPreferencesRepository {

    private final Db db;

    MailPreferencesRepository(Db db) {
        this.db = db;
    }

    /** Every category with whether the member gets it: their choice, else the category's default. */
    public Map<MailCategory, Boolean> wanted(String userId) {
        Map<MailCategory, Boolean> wanted = new EnumMap<>(MailCategory.class);
        for (MailCategory category : MailCategory.values()) {
            wanted.put(category, category.onByDefault());
        }
        db.query(
                        "SELECT category, wanted FROM mail_preferences WHERE user_id = ?",
                        rs -> Map.entry(rs.getString("category"), rs.getBoolean("wanted")),
                        userId)
                .forEach(choice -> known(choice.getKey()).ifPresent(c -> wanted.put(c, choice.getValue())));
        return wanted;
    }

    public boolean wants(String userId, MailCategory category) {
        return wanted(userId).get(category);
    }

    /** The members who turned {@code category} on (for an opt-in category: everyone who gets it). */
    public List<String> membersWhoChose(MailCategory category) {
        return db.query(
                "SELECT user_id FROM mail_preferences WHERE category = ? AND wanted ORDER BY user_id",
                rs -> rs.getString("user_id"),
                category.name());
    }

    public void set(String userId, MailCategory category, boolean wanted, Instant now) {
        db.update("""
                INSERT INTO mail_preferences (user_id, category, wanted, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (user_id, category) DO UPDATE SET wanted = EXCLUDED.wanted, updated_at = EXCLUDED.updated_at
                """, userId, category.name(), wanted, now);
    }

    // a category a later version removed is ignored, not a failure
    private static Optional<MailCategory> known(String name) {
        for (MailCategory category : MailCategory.values()) {
            if (category.name().equals(name)) {
                return Optional.of(category);
            }
        }
        return Optional.empty();
    }
}
