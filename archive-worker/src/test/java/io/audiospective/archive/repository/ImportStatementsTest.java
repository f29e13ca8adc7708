package io.audiospective.archive.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.audiospective.archive.repository.ImportMergeRepository.Entry;
import io.audiospective.archive.repository.ImportMergeRepository.Merged;
import io.audiospective.archive.repository.ImportMergeRepository.NameMatch;
import io.audiospective.archive.repository.ImportMergeRepository.Named;
import io.audiospective.archive.repository.ImportProgressRepository.Counts;
import io.audiospective.archive.repository.UnmatchedEntryRepository.UnmatchedEntry;
import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.ImportChunk;
import io.audiospective.model.ImportProgress;
import io.audiospective.model.TrackRef;
import io.audiospective.support.sql.Db;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The imports' long statements against the real database, called directly (the import tests reach them through
 * Kafka). Each test runs in one transaction that is rolled back, so the worker's own jobs never see its rows.
 */
@QuarkusTest
class ImportStatementsTest {

    private static final Instant MINUTE = Instant.parse("2021-03-01T10:00:00Z");

    @Inject
    CatalogueRepository catalogue;

    @Inject
    ImportMergeRepository merges;

    @Inject
    ImportPendingRepository pending;

    @Inject
    UnmatchedEntryRepository unmatched;

    @Inject
    ImportJobRepository jobs;

    @Inject
    ImportProgressRepository progress;

    @Inject
    Db db;

    @Test
    void aMergeArchivesEachPlayOnceAndParksEntriesOfUnknownTracks() {
        String run = run();
        String user = "merge-" + run;
        TrackRef known = track(run);
        QuarkusTransaction.begin();
        try {
            catalogue.upsert(List.of(known));
            Entry play = new Entry(user, MINUTE, known.id(), 1_000);
            Entry unknown = new Entry(user, MINUTE.plusSeconds(600), "unknown-" + run, 1_000);
            Merged first = merges.merge("a-" + run, user, List.of(play, play, unknown), false);
            assertThat(List.of(first.inserted(), first.repeated(), first.unknown(), first.pendingAdded()))
                    .as("inserted, repeated, unknown, pending")
                    .containsExactly(1L, 1L, 1L, 1L);

            // within 10 s of an archived play of the track it is that play (another device's clock); 25 s or a
            // minute off it is another play
            Merged second = merges.merge(
                    "b-" + run,
                    user,
                    List.of(
                            new Entry(user, MINUTE.plusSeconds(4), known.id(), 1_000),
                            new Entry(user, MINUTE.plusSeconds(25), known.id(), 1_000),
                            new Entry(user, MINUTE.plusSeconds(60), known.id(), 1_000)),
                    false);
            assertThat(second.inserted()).isEqualTo(2);
            assertThat(second.duplicates()).isEqualTo(1);

            // minute precision (an account-data entry, mid-minute): within 40 s of a play of the track it is that play
            Instant midMinute = MINUTE.plusSeconds(3_630);
            Merged minute = merges.merge(
                    "c-" + run,
                    user,
                    List.of(
                            new Entry(user, MINUTE.plusSeconds(90), known.id(), 1_000),
                            new Entry(user, midMinute, known.id(), 1_000)),
                    true);
            assertThat(minute.insertedAt()).containsExactly(midMinute);
            assertThat(minute.duplicates()).isEqualTo(1);

            assertThat(count("SELECT count(*) FROM play_events WHERE user_id = ?", user))
                    .isEqualTo(4);
            assertThat(count("SELECT sum(events) FROM outbox WHERE message_key = ?", user))
                    .as("one outbox row per merge, listing its new plays")
                    .isEqualTo(4);

            assertThat(pending.lockResolvable(1_000_000).stream()
                            .filter(entry -> entry.entry().userId().equals(user))
                            .toList())
                    .as("an unknown track's entry waits until the catalogue describes the track")
                    .isEmpty();
            pending.deletePending(List.of(unknown));
            assertThat(count("SELECT count(*) FROM import_pending WHERE user_id = ?", user))
                    .isZero();
        } finally {
            QuarkusTransaction.rollback();
        }
    }

    @Test
    void accountDataEntriesAreMatchedByNameAndThoseMatchingNothingAreKeptForARetry() {
        String run = run();
        String user = "names-" + run;
        TrackRef known = track(run);
        QuarkusTransaction.begin();
        try {
            catalogue.upsert(List.of(known));
            merges.merge("a-" + run, user, List.of(new Entry(user, MINUTE.plusSeconds(30), known.id(), 1_000)), true);

            Named nobody = new Named(MINUTE, "Nobody " + run, "None " + run, 2_000);
            List<NameMatch> matches = merges.matchNames(
                    user,
                    List.of(
                            new Named(MINUTE, "SONG  " + run, "artist " + run, 1_000),
                            new Named(MINUTE.plusSeconds(3_600), "Song " + run, "Artist " + run, 1_000),
                            nobody));
            assertThat(matches)
                    .containsExactly(
                            new NameMatch(true, known.id()),
                            new NameMatch(false, known.id()),
                            new NameMatch(false, null));

            unmatched.addUnmatched("a-" + run, user, List.of(nobody), "no catalogue match");
            db.update("UPDATE import_unmatched SET retry = true WHERE user_id = ?", user);
            List<UnmatchedEntry> taken = unmatched.lockRetriable(1_000_000, 1_000_000).stream()
                    .filter(entry -> entry.userId().equals(user))
                    .toList();
            assertThat(taken).extracting(UnmatchedEntry::importId).containsExactly("a-" + run);
            assertThat(taken).extracting(UnmatchedEntry::entry).containsExactly(nobody);
            unmatched.deleteUnmatched(taken.stream().map(UnmatchedEntry::id).toList());
            assertThat(count("SELECT count(*) FROM import_unmatched WHERE user_id = ?", user))
                    .isZero();
        } finally {
            QuarkusTransaction.rollback();
        }
    }

    @Test
    void chunksAreClaimedOnceAndAnUndoTakesOnlyItsImportsPlays() {
        String run = run();
        String user = "undo-" + run;
        String importId = "undone-" + run;
        TrackRef known = track(run);
        QuarkusTransaction.begin();
        try {
            catalogue.upsert(List.of(known));
            ImportChunk chunk = new ImportChunk(ImportChunk.CURRENT_VERSION, importId, user, 0, true, List.of());
            assertThat(jobs.claimChunks(List.of(chunk, chunk))).containsExactly(chunk);
            assertThat(jobs.claimChunks(List.of(chunk))).as("a redelivery").isEmpty();

            merges.merge(importId, user, List.of(new Entry(user, MINUTE, known.id(), 1_000)), false);
            merges.merge(
                    "kept-" + run, user, List.of(new Entry(user, MINUTE.plusSeconds(600), known.id(), 1_000)), false);
            ImportProgress counted = progress.addCounts(
                    importId, user, Counts.of(1, 1, 0, 0, 0).withUnmatched(Map.of("no catalogue match", 2L)));
            assertThat(counted.unmatched()).containsEntry("no catalogue match", 2L);
            assertThat(progress.addCounts(
                                    importId,
                                    user,
                                    Counts.of(0, 0, 0, 0, 0).withUnmatched(Map.of("no catalogue match", -1L)))
                            .unmatched())
                    .as("counts by reason add up")
                    .containsEntry("no catalogue match", 1L);

            ImportProgress undone = jobs.undo(importId, user);
            assertThat(undone.undone()).isTrue();
            assertThat(undone.removed()).isEqualTo(1L);
            assertThat(undone.imported()).isEqualTo(1);
            assertThat(jobs.undone(List.of(importId, "kept-" + run))).containsExactly(importId);
            assertThat(count("SELECT count(*) FROM play_events WHERE user_id = ?", user))
                    .as("the other import's play stays")
                    .isEqualTo(1);
            assertThat(count("SELECT count(*) FROM outbox WHERE message_key = ? AND import_id = ?", user, importId))
                    .as("the import's unpublished row goes, one row lists its removed plays")
                    .isEqualTo(1);
            assertThat(jobs.undo(importId, user).removed())
                    .as("a repeated undo")
                    .isEqualTo(1L);
        } finally {
            QuarkusTransaction.rollback();
        }
    }

    private long count(String sql, Object... params) {
        return db.queryOne(sql, rs -> rs.getLong(1), params).orElseThrow();
    }

    private static TrackRef track(String run) {
        return new TrackRef(
                "it" + run,
                "Song " + run,
                200_000,
                null,
                new AlbumRef("ial" + run, "Album " + run, "2020", null),
                List.of(new ArtistRef("iar" + run, "Artist " + run)));
    }

    private static String run() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }
}
