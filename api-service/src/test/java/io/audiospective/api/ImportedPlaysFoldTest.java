package io.audiospective.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.audiospective.api.service.ReadModelService;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.PlaySource;
import io.audiospective.model.ProvisionalIds;
import io.audiospective.model.TrackRef;
import io.audiospective.support.sql.Db;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The read model's side of an import's life. Imported plays arrive first under the names of their file (a
 * provisional track: album and artist ids derived from the names) and later complete, once Spotify described the
 * track; an undone import's plays are removed. Whatever the batches, order and duplicates, the read model ends
 * exactly where a read model fed only the final plays would be, and its incremental rollups equal a rebuild from the
 * plays.
 */
@QuarkusTest
class ImportedPlaysFoldTest {

    @Inject
    ReadModelService readModel;

    @Inject
    Db db;

    @Test
    void completedImportedPlaysEndWhereCompletePlaysFromTheStartWould() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String user = "prov-" + run;
        String reference = "ref-" + run;
        List<TrackRef> catalogue = Histories.catalogue(random, run + "-");
        // Spotify never describes some tracks (removed from its catalogue): they keep the file's names for good
        Set<String> unavailable = Set.of(catalogue.get(3).id(), catalogue.get(8).id());
        List<PlayEvent> history = imported(Histories.history(random, user, catalogue, 14));

        List<PlayEvent> deliveries = new ArrayList<>();
        history.forEach(play -> deliveries.add(Histories.asFileNamesIt(play)));
        fold(random, deliveries);
        assertThat(artistTotals(user).keySet())
                .as("seed %d: before completion every artist is provisional", seed)
                .isNotEmpty()
                .allMatch(ProvisionalIds::isProvisional);

        List<PlayEvent> completions = new ArrayList<>();
        for (PlayEvent play : history) {
            if (!unavailable.contains(play.track().id())) {
                completions.add(play);
                // at-least-once delivery, and a provisional version re-sent after the complete one
                if (random.nextInt(4) == 0) {
                    completions.add(play);
                    completions.add(Histories.asFileNamesIt(play));
                }
            }
        }
        fold(random, completions);

        List<PlayEvent> expected = history.stream()
                .map(play -> unavailable.contains(play.track().id()) ? Histories.asFileNamesIt(play) : play)
                .map(play -> as(reference, play))
                .toList();
        readModel.applyLive(expected);
        assertThat(rollups(user))
                .as("seed %d: completed incrementally vs complete from the start", seed)
                .isEqualTo(rollups(reference));
        Map<String, List<String>> incremental = rollups(user);
        readModel.rebuildUser(user);
        assertThat(incremental)
                .as("seed %d: incremental vs rebuilt from the plays", seed)
                .isEqualTo(rollups(user));
        assertThat(db.query(
                        "SELECT DISTINCT track_id FROM plays WHERE user_id = ? AND provisional",
                        rs -> rs.getString(1),
                        user))
                .as("seed %d", seed)
                .containsExactlyInAnyOrderElementsOf(history.stream()
                        .map(p -> p.track().id())
                        .filter(unavailable::contains)
                        .collect(java.util.stream.Collectors.toSet()));
    }

    /**
     * A play new to the read model whose provisional and complete versions arrive in one batch (a completion
     * re-published before the consumer reached the first version) ends complete; complete plays new to the read model
     * need no completion at all.
     */
    @Test
    void bothVersionsOfANewPlayInOneBatchEndComplete() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String user = "both-" + run;
        String reference = "ref-" + run;
        List<PlayEvent> history = imported(Histories.history(random, user, Histories.catalogue(random, run + "-"), 5));

        List<PlayEvent> batch = new ArrayList<>();
        history.forEach(play -> {
            batch.add(Histories.asFileNamesIt(play));
            batch.add(play);
        });
        readModel.applyLive(batch);
        readModel.applyLive(history.stream().map(play -> as(reference, play)).toList());

        assertThat(rollups(user)).as("seed %d", seed).isEqualTo(rollups(reference));
        assertThat(db.query("SELECT count(*) FROM plays WHERE user_id = ? AND provisional", rs -> rs.getLong(1), user))
                .as("seed %d", seed)
                .containsExactly(0L);
    }

    /**
     * An undone import's plays are removed ({@link PlayEvent#removed()}), with every rollup and session they were in:
     * the member's read model ends as if that import never happened, polled plays and another import's untouched; a
     * play of the undone import imported again later by a new import is back.
     */
    @Test
    void removingAnUndoneImportLeavesTheReadModelAsIfItNeverHappened() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String user = "undo-" + run;
        String reference = "kept-" + run;
        List<TrackRef> catalogue = Histories.catalogue(random, run + "-");
        List<PlayEvent> history = Histories.history(random, user, catalogue, 16);
        List<PlayEvent> polled = new ArrayList<>();
        List<PlayEvent> undone = new ArrayList<>();
        List<PlayEvent> kept = new ArrayList<>();
        for (PlayEvent play : history) {
            int kind = random.nextInt(3);
            (kind == 0 ? polled : kind == 1 ? undone : kept)
                    .add(
                            kind == 0
                                    ? play
                                    : new PlayEvent(
                                            1,
                                            user,
                                            play.playedAt(),
                                            play.track(),
                                            play.msPlayed(),
                                            PlaySource.IMPORT,
                                            kind == 1 ? "import-a" : "import-b"));
        }
        List<PlayEvent> deliveries = new ArrayList<>(history.size());
        deliveries.addAll(polled);
        deliveries.addAll(undone);
        deliveries.addAll(kept);
        fold(random, deliveries);

        // the removals, some delivered twice; a play of the undone import imported again later by import C
        List<PlayEvent> removals = new ArrayList<>();
        for (PlayEvent play : undone) {
            removals.add(removal(play));
            if (random.nextInt(4) == 0) {
                removals.add(removal(play));
            }
        }
        Collections.shuffle(removals, random);
        PlayEvent again = new PlayEvent(
                1,
                user,
                undone.get(0).playedAt(),
                undone.get(0).track(),
                undone.get(0).msPlayed(),
                PlaySource.IMPORT,
                "import-c");
        removals.add(again);
        for (int from = 0; from < removals.size(); ) {
            int to = Math.min(removals.size(), from + 1 + random.nextInt(40));
            readModel.applyLive(removals.subList(from, to));
            from = to;
        }

        List<PlayEvent> expected = new ArrayList<>();
        polled.forEach(play -> expected.add(as(reference, play)));
        kept.forEach(play -> expected.add(as(reference, play)));
        expected.add(as(reference, again));
        readModel.applyLive(expected);
        assertThat(rollups(user))
                .as("seed %d: after the undo vs never imported", seed)
                .isEqualTo(rollups(reference));
        Map<String, List<String>> incremental = rollups(user);
        readModel.rebuildUser(user);
        assertThat(incremental)
                .as("seed %d: incremental vs rebuilt from the plays", seed)
                .isEqualTo(rollups(user));
        assertThat(db.query("SELECT count(*) FROM plays WHERE user_id = ?", rs -> rs.getLong(1), user)
                        .get(0))
                .isEqualTo(polled.size() + kept.size() + 1L);
    }

    private static PlayEvent removal(PlayEvent play) {
        return new PlayEvent(
                1,
                play.userId(),
                play.playedAt(),
                play.track(),
                play.msPlayed(),
                PlaySource.IMPORT,
                play.importId(),
                true);
    }

    private void fold(Random random, List<PlayEvent> deliveries) {
        List<PlayEvent> shuffled = new ArrayList<>(deliveries);
        Collections.shuffle(shuffled, random);
        for (int from = 0; from < shuffled.size(); ) {
            int to = Math.min(shuffled.size(), from + 1 + random.nextInt(random.nextBoolean() ? 3 : 60));
            readModel.applyLive(shuffled.subList(from, to));
            from = to;
        }
    }

    private static List<PlayEvent> imported(List<PlayEvent> polled) {
        return polled.stream()
                .map(p -> new PlayEvent(
                        1, p.userId(), p.playedAt(), p.track(), p.msPlayed(), PlaySource.IMPORT, "import-1"))
                .toList();
    }

    private static PlayEvent as(String user, PlayEvent play) {
        return new PlayEvent(1, user, play.playedAt(), play.track(), play.msPlayed(), play.source(), play.importId());
    }

    private Map<String, Long> artistTotals(String user) {
        Map<String, Long> totals = new TreeMap<>();
        db.query(
                "SELECT artist_id, plays FROM artist_totals WHERE user_id = ?",
                rs -> totals.put(rs.getString(1), rs.getLong(2)),
                user);
        return totals;
    }

    /** Every read-model row of the user, the user id left out so that two users' rows compare. */
    private Map<String, List<String>> rollups(String user) {
        Map<String, List<String>> rows = new TreeMap<>();
        for (String table : ReadModelTables.BASE_NAMES) {
            List<String> lines = db.query(
                    "SELECT (to_jsonb(t) - 'user_id')::text FROM " + table + " t WHERE user_id = ?",
                    rs -> rs.getString(1),
                    user);
            rows.put(table, lines.stream().sorted().toList());
        }
        Set<String> unique = new HashSet<>(rows.get("plays"));
        assertThat(unique).hasSameSizeAs(rows.get("plays"));
        return rows;
    }
}
