package io.audiospective.archive.imports;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.audiospective.archive.config.ArchiveConfig;
import io.audiospective.archive.repository.UnmatchedEntryRepository;
import io.audiospective.support.BeforeSchemaMigrated;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Retries account-data entries that matched no track once the catalogue has tracks with their names (polls and the
 * metadata job add tracks all the time). Each round compares the tracks added since the last round with the
 * unmatched entries by name and flags those they match (one replica at a time, through a cursor over the tracks'
 * {@code added_at}), then archives a batch of flagged entries (replicas share them through row and per-user locks)
 * and publishes the imports' new totals. Nothing is scanned when no track was added; entries that still match
 * nothing stay.
 */
@ApplicationScoped
public class ImportUnmatchedRetryJob {

    private static final Logger LOG = Logger.getLogger(ImportUnmatchedRetryJob.class);
    /** New tracks per statement: at this size each is an index probe (at 10,000 PostgreSQL scanned whole tables). */
    private static final int TRACKS_PER_STATEMENT = 1_000;
    /** Bounds a round's comparisons while a large catalogue is caught up with (the first rounds after V6). */
    private static final int STATEMENTS_PER_ROUND = 20;

    private static final int USERS_PER_ROUND = 100;
    private static final int ENTRIES_PER_ROUND = 5_000;

    private final ImportArchiver archiver;
    private final UnmatchedEntryRepository unmatchedEntries;
    private final ImportProgressPublisher progress;
    private final Duration settle;

    ImportUnmatchedRetryJob(
            ImportArchiver archiver,
            UnmatchedEntryRepository unmatchedEntries,
            ImportProgressPublisher progress,
            ArchiveConfig config) {
        this.archiver = archiver;
        this.unmatchedEntries = unmatchedEntries;
        this.progress = progress;
        this.settle = config.importUnmatchedSettle();
    }

    @Scheduled(
            every = "${audiospective.archive.import-unmatched-interval:PT30S}",
            delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = BeforeSchemaMigrated.class)
    void round() {
        try {
            for (int i = 0; i < STATEMENTS_PER_ROUND; i++) {
                int compared = QuarkusTransaction.requiringNew()
                        .call(() -> unmatchedEntries.flagRetriable(
                                TRACKS_PER_STATEMENT, settle, ImportArchiver.NO_CATALOGUE_MATCH));
                if (compared < TRACKS_PER_STATEMENT) {
                    break;
                }
            }
            progress.publish(archiver.retryUnmatched(USERS_PER_ROUND, ENTRIES_PER_ROUND));
        } catch (RuntimeException e) {
            // each transaction commits whole (flags with the cursor, entries with their totals): the next round goes
            // on from what was committed
            LOG.warnf("Unmatched import entries not retried this round: %s", e.toString());
        }
    }
}
