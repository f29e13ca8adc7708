package io.audiospective.archive.service;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.audiospective.archive.repository.ArchivedPlayRepository;
import io.audiospective.archive.repository.CatalogueRepository;
import io.audiospective.archive.repository.ImportJobRepository;
import io.audiospective.archive.repository.OutboxRepository;
import io.audiospective.archive.repository.PolledPageRepository;
import io.audiospective.archive.repository.UserCursorRepository;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.TrackRef;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Writes one poll's result: first the catalogue rows this worker has not written before (their own transaction:
 * catalogue rows are shared and never deleted, so committing them alone is harmless), then, atomically in one
 * statement, the new plays, their outbox rows and the cursor.
 */
@ApplicationScoped
public class ArchiveWriter {

    private final CatalogueRepository catalogue;
    private final PolledPageRepository pages;
    private final ArchivedPlayRepository plays;
    private final UserCursorRepository cursors;
    private final OutboxRepository outbox;
    private final ImportJobRepository imports;

    ArchiveWriter(
            CatalogueRepository catalogue,
            PolledPageRepository pages,
            ArchivedPlayRepository plays,
            UserCursorRepository cursors,
            OutboxRepository outbox,
            ImportJobRepository imports) {
        this.catalogue = catalogue;
        this.pages = pages;
        this.plays = plays;
        this.cursors = cursors;
        this.outbox = outbox;
        this.imports = imports;
    }

    /**
     * @param newestPlayedAt the newest play of the page, null for an empty page
     * @return the plays that were new and the newest play archived before this poll
     */
    public PolledPageRepository.Archived write(
            String userId, List<PlayEvent> page, Instant newestPlayedAt, Instant polledAt) {
        List<TrackRef> tracks =
                catalogue.notCommittedBefore(page.stream().map(PlayEvent::track).toList());
        if (!tracks.isEmpty()) {
            QuarkusTransaction.requiringNew().run(() -> catalogue.upsert(tracks));
        }
        return pages.archive(userId, page, newestPlayedAt, polledAt);
    }

    @Transactional
    public void purge(String userId) {
        plays.deleteForUser(userId);
        cursors.delete(userId);
        outbox.deleteForUser(userId);
        imports.purge(userId);
    }
}
