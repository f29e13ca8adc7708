package io.audiospective.archive.repository;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.support.sql.Db;

/** The archive's plays ({@code play_events}); written in bulk by {@link PolledPageRepository} and imports. */
@ApplicationScoped
public class ArchivedPlayRepository {

    private final Db db;

    ArchivedPlayRepository(Db db) {
        this.db = db;
    }

    public void deleteForUser(String userId) {
        db.update("DELETE FROM play_events WHERE user_id = ?", userId);
    }
}
