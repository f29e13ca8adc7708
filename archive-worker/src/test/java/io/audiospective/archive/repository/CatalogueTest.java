package io.audiospective.archive.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.junit.jupiter.api.Test;

import io.audiospective.model.AlbumRef;
import io.audiospective.model.ArtistRef;
import io.audiospective.model.TrackRef;
import io.audiospective.support.sql.Db;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every poll writes its page's catalogue rows: changed names win, and unchanged rows are neither updated nor
 * locked, so concurrent polls sharing popular artists never wait for each other. A worker skips tracks it has
 * committed unchanged before, and only what was committed.
 */
@QuarkusTest
class CatalogueTest {

    @Inject
    CatalogueRepository catalogue;

    @Inject
    Db db;

    @Inject
    TransactionSynchronizationRegistry transactions;

    @Test
    void unchangedRowsAreLeftUntouchedAndChangedOnesTakeTheNewValues() {
        String id = UUID.randomUUID().toString().substring(0, 12);
        TrackRef track = new TrackRef(
                "ct" + id,
                "Song",
                200_000,
                "ISRC1",
                new AlbumRef("cal" + id, "Album", "2024", null),
                List.of(new ArtistRef("car" + id, "Artist")));
        QuarkusTransaction.requiringNew().run(() -> catalogue.upsert(List.of(track)));

        // a poll holds its transaction open with the same (unchanged) rows written...
        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> open = CompletableFuture.runAsync(
                () -> QuarkusTransaction.requiringNew().run(() -> {
                    catalogue.upsert(List.of(track));
                    written.countDown();
                    await(release);
                }));
        await(written);
        // ...and another worker (which does not remember the track) writing them too does not wait for it
        CatalogueRepository otherWorker = new CatalogueRepository(db, transactions);
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                db.query("SELECT set_config('lock_timeout', '2s', true)", rs -> rs.getString(1));
                otherWorker.upsert(List.of(track));
            });
        } finally {
            release.countDown();
        }
        open.join();

        TrackRef renamed = new TrackRef(
                "ct" + id,
                "Song (Remastered)",
                201_000,
                "ISRC1",
                new AlbumRef("cal" + id, "Album (Deluxe)", "2024", "https://img/1"),
                List.of(new ArtistRef("car" + id, "The Artist")));
        QuarkusTransaction.requiringNew().run(() -> catalogue.upsert(List.of(renamed)));

        assertThat(value("SELECT name || '/' || duration_ms FROM tracks WHERE id = ?", "ct" + id))
                .isEqualTo("Song (Remastered)/201000");
        assertThat(value("SELECT name || '/' || image_url FROM albums WHERE id = ?", "cal" + id))
                .isEqualTo("Album (Deluxe)/https://img/1");
        assertThat(value("SELECT name FROM artists WHERE id = ?", "car" + id)).isEqualTo("The Artist");
    }

    @Test
    void aTrackWrittenInATransactionThatRolledBackIsWrittenAgain() {
        String id = UUID.randomUUID().toString().substring(0, 12);
        TrackRef track = new TrackRef(
                "rt" + id,
                "Song",
                200_000,
                null,
                new AlbumRef("ral" + id, "Album", "2024", null),
                List.of(new ArtistRef("rar" + id, "Artist")));
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
                    catalogue.upsert(List.of(track));
                    throw new IllegalStateException("the poll failed after its catalogue write");
                }))
                .hasMessageContaining("the poll failed");

        QuarkusTransaction.requiringNew().run(() -> catalogue.upsert(List.of(track)));

        assertThat(value("SELECT name FROM tracks WHERE id = ?", "rt" + id)).isEqualTo("Song");
        assertThat(value("SELECT name FROM artists WHERE id = ?", "rar" + id)).isEqualTo("Artist");
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Tracks known only from files are looked up most waiting plays first, so a member's most played tracks are
     * complete soonest. Written and claimed in one transaction that is rolled back, so the worker's own metadata
     * job never sees them and nothing is left behind.
     */
    @Test
    void fileTracksWithTheMostWaitingPlaysAreClaimedFirst() {
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        // ids in the opposite order of their plays, so an order by id would fail
        List<String> mostPlayedFirst = List.of("zzz" + run, "mmm" + run, "aaa" + run);
        QuarkusTransaction.begin();
        try {
            catalogue.addFromFile(mostPlayedFirst.stream()
                    .map(id -> new CatalogueRepository.NamedTrack(id, "Song " + id, "Artist " + run, "Album " + run))
                    .toList());
            for (int i = 0; i < mostPlayedFirst.size(); i++) {
                db.update("""
                        INSERT INTO import_pending (user_id, played_at, track_id, ms_played, import_id, archived)
                        SELECT ?, timestamptz '2020-01-01' + n * interval '1 minute', ?, 180000, ?, true
                        FROM generate_series(1, ?) AS n
                        """, "claim-" + run, mostPlayedFirst.get(i), "import-" + run, 3000 - 1000 * i);
            }

            List<String> claimed = catalogue.claimFileTracks(50, java.time.Duration.ofMinutes(5));

            assertThat(claimed.stream().filter(mostPlayedFirst::contains).toList())
                    .as("the run's tracks among the claimed, in the order they were claimed")
                    .containsExactlyElementsOf(mostPlayedFirst);
        } finally {
            QuarkusTransaction.rollback();
        }
    }

    private String value(String sql, String id) {
        return db.queryOne(sql, rs -> rs.getString(1), id).orElseThrow();
    }
}
