package io.audiospective.archive.repository;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.support.sql.Db;

/** Per user: the newest archived play and when polls last ran (written by {@link PolledPageRepository}). */
@ApplicationScoped
public class UserCursorRepository {

    private final Db db;

    UserCursorRepository(Db db) {
        this.db = db;
    }

    public void delete(String userId) {
        db.update("DELETE FROM user_cursors WHERE user_id = ?", userId);
    }
}
