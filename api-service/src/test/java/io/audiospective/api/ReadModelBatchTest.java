package io.audiospective.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.audiospective.api.service.ReadModelService;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.TrackRef;
import io.audiospective.support.sql.Db;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The read model folds plays in batches: whatever the batch sizes, arrival order and duplicates, the rollups and
 * sessions it keeps incrementally equal the ones rebuilt from scratch from the stored plays.
 */
@QuarkusTest
class ReadModelBatchTest {

    @Inject
    ReadModelService readModel;

    @Inject
    Db db;

    @Test
    void batchesInAnyOrderWithDuplicatesKeepTheSameRollupsAsAFullRebuild() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<String> users = List.of("batch-" + UUID.randomUUID(), "batch-" + UUID.randomUUID());
        List<PlayEvent> deliveries = new ArrayList<>();
        int distinct = 0;
        for (String user : users) {
            List<TrackRef> catalogue = Histories.catalogue(random, user.substring(6, 14) + "-");
            List<PlayEvent> history = Histories.history(random, user, catalogue, 12);
            distinct += history.size();
            deliveries.addAll(history);
            // a third delivered twice, some of them in the same batch as the original
            history.stream().filter(p -> random.nextInt(3) == 0).forEach(deliveries::add);
        }
        Collections.shuffle(deliveries, random);

        int fresh = 0;
        for (int from = 0; from < deliveries.size(); ) {
            int to = Math.min(deliveries.size(), from + 1 + random.nextInt(random.nextBoolean() ? 3 : 80));
            fresh += readModel.applyLive(deliveries.subList(from, to));
            from = to;
        }

        assertThat(fresh).as("seed %d: plays counted new", seed).isEqualTo(distinct);
        for (String user : users) {
            Map<String, List<String>> incremental = rollups(user);
            readModel.rebuildUser(user);
            assertThat(incremental)
                    .as("seed %d: incremental rollups of %s", seed, user)
                    .isEqualTo(rollups(user));
            assertThat(incremental.get("sessions"))
                    .as("seed %d: sessions", seed)
                    .hasSizeGreaterThan(1);
        }
    }

    private Map<String, List<String>> rollups(String user) {
        Map<String, List<String>> rows = new TreeMap<>();
        for (String table : ReadModelTables.BASE_NAMES) {
            rows.put(
                    table,
                    db.query(
                            "SELECT t::text FROM " + table + " t WHERE user_id = ? ORDER BY t::text",
                            rs -> rs.getString(1),
                            user));
        }
        return rows;
    }
}
