package io.audiospective.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BiConsumer;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.audiospective.api.service.ReadModelService;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.PlaySource;
import io.audiospective.model.TrackRef;
import io.audiospective.support.sql.Db;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A replay's bulk path (plays loaded first, every rollup computed from them at once) builds the same generation as
 * folding the same records one batch after another: polled plays, duplicates, imported plays under the file's names
 * completed later, and an undone import's removals, for members in different zones.
 */
@QuarkusTest
class ReplayBulkLoadTest {

    @Inject
    ReadModelService readModel;

    @Inject
    Db db;

    private final List<ReadModelTables> created = new ArrayList<>();

    @Test
    void loadingThenBuildingTheRollupsEqualsFoldingBatchByBatch() {
        // -Dbulk.seed=<seed> runs a failed seed again
        long seed = Long.getLong("bulk.seed", System.nanoTime());
        Random random = new Random(seed);
        List<String> users = List.of("bulk-" + UUID.randomUUID(), "bulk-" + UUID.randomUUID());
        db.update("INSERT INTO user_settings (user_id, time_zone) VALUES (?, 'Asia/Kathmandu')", users.get(1));
        List<PublishedPlay> records = new ArrayList<>();
        for (String user : users) {
            records.addAll(recordsOf(random, user));
        }
        ReadModelTables incremental = freshGeneration();
        ReadModelTables bulk = freshGeneration();

        inBatches(random, records, (from, to) -> readModel.applyReplayed(incremental, records.subList(from, to)));
        Map<String, List<String>> folded = catalogue(users);
        // the bulk build must write the catalogue (names and covers) itself
        forgetCatalogue(users);
        readModel.prepareBulkLoad(bulk);
        inBatches(random, records, (from, to) -> readModel.loadReplayed(bulk, records.subList(from, to)));
        readModel.buildRollups(bulk);

        Map<String, List<String>> expected = rows(incremental);
        assertThat(rows(bulk)).as("seed %d: the bulk-built generation", seed).isEqualTo(expected);
        expected.forEach((table, rows) ->
                assertThat(rows).as("seed %d: %s has rows", seed, table).isNotEmpty());
        for (String base : ReadModelTables.BASE_NAMES) {
            assertThat(indexes(bulk.name(base)))
                    .as("indexes of %s after the build", base)
                    .isEqualTo(indexes(incremental.name(base)))
                    .isNotEmpty();
        }
        // windows sum plays and ms of rollup rows by index-only scans of the keys (V27), and count an item's year
        // rows by the days they mark the same way (V28)
        Map<String, String> covered = Map.of(
                "track_days", "INCLUDE (plays, ms)",
                "artist_months", "INCLUDE (plays, ms)",
                "album_years", "INCLUDE (plays, ms, days)",
                "hour_years", "INCLUDE (plays, ms)",
                "listening_days", "INCLUDE (plays, ms)");
        covered.forEach((base, include) -> assertThat(indexes(bulk.name(base)))
                .as("the key of %s", base)
                .anyMatch(index -> index.startsWith("true") && index.endsWith(include)));
        // the bulk build writes the catalogue from the plays it keeps, folding from every play as it comes: a track
        // only the undone import played is named by the second, and by no play of either generation
        Set<String> referenced = new HashSet<>(db.query(
                "SELECT track_id FROM " + bulk.plays() + " UNION SELECT album_id FROM " + bulk.plays()
                        + " UNION SELECT unnest(artist_ids) FROM " + bulk.plays(),
                rs -> rs.getString(1)));
        Map<String, List<String>> foldedReferenced = new TreeMap<>();
        folded.forEach((table, rows) -> foldedReferenced.put(
                table,
                rows.stream()
                        .filter(row -> referenced.contains(row.substring(1, row.indexOf(','))))
                        .toList()));
        assertThat(catalogue(users))
                .as("seed %d: the catalogue the bulk build wrote", seed)
                .isEqualTo(foldedReferenced);
        assertThat(folded.get("catalogue_albums"))
                .as("seed %d: covers kept, an album without one has none", seed)
                .anyMatch(row -> row.contains("https://i.scdn.co/image/cover-"))
                .anyMatch(row -> row.endsWith(",)"));
        assertThat(count(bulk, "album_image_url IS NOT NULL"))
                .as("seed %d: plays keep their album's cover", seed)
                .isPositive();
        assertThat(count(bulk, "import_id = 'imp-undone'"))
                .as("seed %d: the undone import's plays are gone", seed)
                .isZero();
        assertThat(count(bulk, "import_id = 'imp-kept'"))
                .as("seed %d: the kept import's plays are there", seed)
                .isPositive()
                .isEqualTo(count(bulk, "import_id = 'imp-kept' AND NOT provisional"));
    }

    /** The catalogue rows of the members' tracks, albums and artists (their ids carry a per-member prefix). */
    private Map<String, List<String>> catalogue(List<String> users) {
        Map<String, List<String>> rows = new TreeMap<>();
        for (String table : List.of("catalogue_tracks", "catalogue_albums", "catalogue_artists")) {
            String key = table.equals("catalogue_tracks")
                    ? "track_id"
                    : table.replace("catalogue_", "").replaceAll("s$", "_id");
            List<String> all = new ArrayList<>();
            for (String user : users) {
                all.addAll(db.query(
                        "SELECT c::text FROM " + table + " c WHERE " + key + " LIKE ? ORDER BY c::text",
                        rs -> rs.getString(1),
                        "%" + prefixOf(user) + "%"));
            }
            rows.put(table, all);
        }
        return rows;
    }

    private void forgetCatalogue(List<String> users) {
        for (String user : users) {
            db.update("DELETE FROM catalogue_tracks WHERE track_id LIKE ?", "%" + prefixOf(user) + "%");
            db.update("DELETE FROM catalogue_albums WHERE album_id LIKE ?", "%" + prefixOf(user) + "%");
            db.update("DELETE FROM catalogue_artists WHERE artist_id LIKE ?", "%" + prefixOf(user) + "%");
        }
    }

    private static String prefixOf(String user) {
        return user.substring(5, 13) + "-";
    }

    /** The table's indexes without their names. */
    private List<String> indexes(String table) {
        return db.query("""
                SELECT i.indisprimary || ' ' || regexp_replace(pg_get_indexdef(i.indexrelid),
                                                               '^CREATE (UNIQUE )?INDEX \\S+ ON \\S+ ', '\\1')
                FROM pg_index i WHERE i.indrelid = to_regclass(?) ORDER BY 1
                """, rs -> rs.getString(1), table);
    }

    private long count(ReadModelTables tables, String condition) {
        return db.queryOne("SELECT count(*) FROM " + tables.plays() + " WHERE " + condition, rs -> rs.getLong(1))
                .orElseThrow();
    }

    /** A member's records as {@code plays} holds them, in one partition's order. */
    private static List<PublishedPlay> recordsOf(Random random, String user) {
        List<TrackRef> catalogue = Histories.catalogue(random, prefixOf(user));
        List<PlayEvent> polled = Histories.history(random, user, catalogue, 10);
        List<PlayEvent> kept = imported(Histories.history(random, user, catalogue, 6), "imp-kept");
        List<PlayEvent> undone = imported(Histories.history(random, user, catalogue, 4), "imp-undone");
        List<PlayEvent> first = new ArrayList<>(polled);
        kept.stream().map(Histories::asFileNamesIt).forEach(first::add);
        undone.stream().map(Histories::asFileNamesIt).forEach(first::add);
        polled.stream().filter(p -> random.nextInt(4) == 0).forEach(first::add);
        Collections.shuffle(first, random);
        List<PlayEvent> later = new ArrayList<>(kept);
        undone.forEach(play -> later.add(new PlayEvent(
                play.schemaVersion(),
                user,
                play.playedAt(),
                play.track(),
                play.msPlayed(),
                PlaySource.IMPORT,
                play.importId(),
                true)));
        Collections.shuffle(later, random);
        List<PublishedPlay> records = new ArrayList<>();
        Instant published = Instant.now();
        first.forEach(play -> records.add(new PublishedPlay(play, published)));
        later.forEach(play -> records.add(new PublishedPlay(play, published)));
        return records;
    }

    private static List<PlayEvent> imported(List<PlayEvent> plays, String importId) {
        return plays.stream()
                .map(play -> new PlayEvent(
                        play.schemaVersion(),
                        play.userId(),
                        play.playedAt().plusMillis(7),
                        play.track(),
                        play.msPlayed(),
                        PlaySource.IMPORT,
                        importId))
                .toList();
    }

    private static void inBatches(Random random, List<PublishedPlay> records, BiConsumer<Integer, Integer> apply) {
        for (int from = 0; from < records.size(); ) {
            int to = Math.min(records.size(), from + 1 + random.nextInt(60));
            apply.accept(from, to);
            from = to;
        }
    }

    private ReadModelTables freshGeneration() {
        int active = db.queryOne("SELECT active_generation FROM read_model_state WHERE id = 1", rs -> rs.getInt(1))
                .orElseThrow();
        ReadModelTables tables = new ReadModelTables(1_000_000 + new Random().nextInt(1_000_000_000));
        for (String base : ReadModelTables.BASE_NAMES) {
            db.update("CREATE TABLE " + tables.name(base) + " (LIKE " + new ReadModelTables(active).name(base)
                    + " INCLUDING ALL)");
        }
        created.add(tables);
        return tables;
    }

    private Map<String, List<String>> rows(ReadModelTables tables) {
        Map<String, List<String>> rows = new TreeMap<>();
        for (String base : ReadModelTables.BASE_NAMES) {
            rows.put(
                    base,
                    db.query(
                            "SELECT t::text FROM " + tables.name(base) + " t ORDER BY t::text", rs -> rs.getString(1)));
        }
        return rows;
    }

    @AfterEach
    void dropGenerations() {
        for (ReadModelTables tables : created) {
            for (String base : ReadModelTables.BASE_NAMES) {
                db.update("DROP TABLE IF EXISTS " + tables.name(base));
            }
        }
    }
}
