package io.audiospective.archive.service;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.audiospective.archive.repository.ArchivedPlayRepository;
import io.audiospective.archive.repository.CatalogueRepository;
import io.audiospective.archive.repository.OutboxRepository;
import io.audiospective.archive.repository.UserCursorRepository;
import io.audiospective.model.PlayEvent;

/** Writes one poll's result in one transaction: catalogue, new plays, cursor and their outbox rows. */
@ApplicationScoped
public class ArchiveWriter {

    private final CatalogueRepository catalogue;
    private final ArchivedPlayRepository plays;
    private final UserCursorRepository cursors;
    private final OutboxRepository outbox;

    ArchiveWriter(CatalogueRepository catalogue, ArchivedPlayRepository plays, UserCursorRepository cursors,
            OutboxRepository outbox) {
        this.catalogue = catalogue;
        this.plays = plays;
        this.cursors = cursors;
        this.outbox = outbox;
    }

    /**
     * @param newestPlayedAt the newest play of the page, null for an empty page
     * @return the plays that were new and the newest play archived before this poll
     */
    @Transactional
    public Written write(String userId, List<PlayEvent> page, Instant newestPlayedAt, Instant polledAt) {
        Instant previousNewest = cursors.newestPlayedAt(userId);
        catalogue.upsert(page.stream().map(PlayEvent::track).toList());
        List<PlayEvent> fresh = plays.insertNew(page);
        outbox.addPlays(fresh);
        cursors.recordSuccess(userId, newestPlayedAt, polledAt);
        return new Written(fresh, previousNewest);
    }

    @Transactional
    public void purge(String userId) {
        plays.deleteForUser(userId);
        cursors.delete(userId);
        outbox.deleteForUser(userId);
    }

    public record Written(List<PlayEvent> newPlays, Instant previousNewest) {
    }
}
