package io.audiospective.api.repository;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import io.audiospective.api.ReadModelChanged;
import io.audiospective.api.ReadModelTables;
import io.audiospective.support.sql.Db;

/**
 * The replay rows and {@code read_model_state}, as the replicas coordinate replays through them. Every method runs in
 * the caller's transaction. Lock order, kept by every method that takes both: the replay's row first, then
 * {@code read_model_state} (a fold holds {@code read_model_state} FOR SHARE, see
 * {@link ReadModelWriter#lockGenerationsForWrite}), so a builder's batch, a cancel and a switch-over never deadlock.
 * Lease times are PostgreSQL's clock, one clock for every replica.
 */
@ApplicationScoped
public class ReplayRepository {

    /** Prefix of a generation's consumer group; the group is the generation's, whichever replica builds it. */
    public static final String CONSUMER_GROUP_PREFIX = "api-service-replay-";

    /** One row of {@code replays}. */
    public record ReplayRow(
            int generation,
            String state,
            String consumerGroup,
            java.time.Instant startedAt,
            java.time.Instant finishedAt,
            long records,
            Long lag,
            String detail,
            String owner,
            java.time.Instant heartbeatAt,
            java.time.Instant leaseUntil,
            boolean leaseExpired,
            int takeovers,
            long[] handoverOffsets,
            Integer replacedGeneration) {

        /** The handover offset of {@code partition}: 0 for a partition the topic did not have yet. */
        public long handoverOffset(int partition) {
            return partition < handoverOffsets.length ? handoverOffsets[partition] : 0;
        }
    }

    /** What a start request found: a replay it created, or the one already running. */
    public record Begun(ReplayRow replay, boolean created) {}

    private static final String SELECT = "SELECT r.*, (r.lease_until IS NULL OR r.lease_until < clock_timestamp())"
            + " AS lease_expired FROM replays r";

    private final Db db;
    private final ReadModelWriter writer;
    private final Event<ReadModelChanged> changes;

    ReplayRepository(Db db, ReadModelWriter writer, Event<ReadModelChanged> changes) {
        this.db = db;
        this.writer = writer;
        this.changes = changes;
    }

    /**
     * Starts building a new generation owned by {@code owner}, unless one is being built: then that one is answered.
     * {@code read_model_state} stays locked from the check to the commit, so two replicas never both create one, and
     * no fold runs meanwhile: {@code endOffsets} (the end of every {@code plays} partition, read under that lock) are
     * the handover offsets, below which a record may be in the old generation only.
     */
    public Begun begin(String owner, Duration lease, Supplier<long[]> endOffsets) {
        int[] state = db.queryOne(
                        "SELECT active_generation, building_generation FROM read_model_state WHERE id = 1"
                                + " FOR UPDATE",
                        rs -> new int[] {rs.getInt(1), rs.getObject(2) == null ? -1 : rs.getInt(2)})
                .orElseThrow();
        if (state[1] >= 0) {
            Optional<ReplayRow> running = find(state[1]);
            if (running.isPresent()) {
                return new Begun(running.get(), false);
            }
        }
        int next = db.queryOne(
                        "SELECT greatest(coalesce(max(generation), 0), ?, ?) + 1 FROM replays",
                        rs -> rs.getInt(1),
                        state[0],
                        state[1])
                .orElseThrow();
        if (state[1] >= 0) {
            // building_generation without its row: nothing can resume it, so its tables go
            dropTables(state[1]);
        }
        ReadModelTables active = new ReadModelTables(state[0]);
        ReadModelTables target = new ReadModelTables(next);
        for (String base : ReadModelTables.BASE_NAMES) {
            db.update("DROP TABLE IF EXISTS " + target.name(base));
            db.update("CREATE TABLE " + target.name(base) + " (LIKE " + active.name(base) + " INCLUDING ALL)");
            copyStorageParameters(active.name(base), target.name(base));
        }
        writer.prepareBulkLoad(target);
        db.update("UPDATE read_model_state SET building_generation = ? WHERE id = 1", next);
        db.update(
                "INSERT INTO replays (generation, state, consumer_group, started_at, owner, heartbeat_at, lease_until,"
                        + " handover_offsets) VALUES (?, 'RUNNING', ?, clock_timestamp(), ?, clock_timestamp(),"
                        + " clock_timestamp() + ?::interval, ?::bigint[])",
                next,
                CONSUMER_GROUP_PREFIX + next,
                owner,
                interval(lease),
                arrayLiteral(endOffsets.get()));
        return new Begun(find(next).orElseThrow(), true);
    }

    /** {@code LIKE ... INCLUDING ALL} copies no table storage parameters, such as the rollups' autovacuum settings. */
    private void copyStorageParameters(String model, String target) {
        db.queryOne(
                        "SELECT array_to_string(reloptions, ', ') FROM pg_class WHERE oid = to_regclass(?)",
                        rs -> rs.getString(1),
                        model)
                .filter(options -> !options.isBlank())
                .ifPresent(options -> db.update("ALTER TABLE " + target + " SET (" + options + ")"));
    }

    /** The replay being built, if any. */
    public Optional<ReplayRow> building() {
        return db.queryOne(
                SELECT + " JOIN read_model_state s ON s.building_generation = r.generation WHERE s.id = 1",
                ReplayRepository::row);
    }

    /**
     * Renews {@code owner}'s lease and records its progress, and locks the replay's row until the caller's transaction
     * ends: a batch applied in the same transaction commits only while the lease is its owner's (a replica that took
     * over, or a cancel, waits for the row or has already made this return false).
     *
     * @return false when the replay is no longer {@code owner}'s, or no longer running: the caller stops building
     */
    public boolean heartbeat(int generation, String owner, Duration lease, long records, long lag) {
        return db.update(
                        "UPDATE replays SET heartbeat_at = clock_timestamp(), lease_until = clock_timestamp()"
                                + " + ?::interval, records = ?, lag = ? WHERE generation = ? AND owner = ?"
                                + " AND state = 'RUNNING'",
                        interval(lease),
                        records,
                        lag,
                        generation,
                        owner)
                == 1;
    }

    /**
     * Takes over the running replay whose lease expired (its builder died or lost the database); true when
     * {@code owner} builds it now. Two replicas trying at once: the row lock lets one through, and the other's
     * condition no longer holds.
     */
    public boolean takeOver(int generation, String owner, Duration lease) {
        return db.update(
                        "UPDATE replays SET owner = ?, heartbeat_at = clock_timestamp(), lease_until ="
                                + " clock_timestamp() + ?::interval, takeovers = takeovers + 1 WHERE generation = ?"
                                + " AND state = 'RUNNING' AND (lease_until IS NULL OR lease_until < clock_timestamp())",
                        owner,
                        interval(lease),
                        generation)
                == 1;
    }

    /** Lets the lease go at once (a replica shutting down), so another replica takes over at its next check. */
    public void release(int generation, String owner) {
        db.update(
                "UPDATE replays SET lease_until = clock_timestamp() WHERE generation = ? AND owner = ?"
                        + " AND state = 'RUNNING'",
                generation,
                owner);
    }

    /**
     * Switches the active generation to the one {@code owner} built, in one transaction.
     *
     * @return the generation it replaced, or empty when the replay is no longer {@code owner}'s
     */
    public Optional<Integer> complete(int generation, String owner, long lag) {
        int updated = db.update(
                "UPDATE replays SET state = 'COMPLETED', finished_at = clock_timestamp(), lag = ?,"
                        + " lease_until = NULL WHERE generation = ? AND owner = ? AND state = 'RUNNING'",
                lag,
                generation,
                owner);
        if (updated == 0) {
            return Optional.empty();
        }
        int previous = db.queryOne(
                        "SELECT active_generation FROM read_model_state WHERE id = 1 FOR UPDATE", rs -> rs.getInt(1))
                .orElseThrow();
        db.update(
                "UPDATE read_model_state SET active_generation = ?, building_generation = NULL WHERE id = 1",
                generation);
        changes.fire(ReadModelChanged.everyMember());
        db.update("UPDATE replays SET replaced_generation = ? WHERE generation = ?", previous, generation);
        return Optional.of(previous);
    }

    /**
     * Ends a running replay as {@code state} ({@code FAILED}, {@code CANCELLED}) with {@code detail}: clears
     * {@code building_generation} and drops the generation's tables. {@code read_model_state} is locked FOR UPDATE
     * first, which waits for every fold in flight (they hold it FOR SHARE); every later fold reads the cleared state,
     * so nothing writes the generation again. {@code owner} null: whoever builds it (an operator's cancel).
     *
     * @return false when the replay was not running (or, with an owner, not that owner's)
     */
    public boolean end(int generation, String owner, String state, String detail) {
        int updated = db.update(
                "UPDATE replays SET state = ?, finished_at = clock_timestamp(), detail = ?, lease_until = NULL"
                        + " WHERE generation = ? AND state = 'RUNNING' AND (?::text IS NULL OR owner = ?)",
                state,
                detail,
                generation,
                owner,
                owner);
        if (updated == 0) {
            return false;
        }
        db.queryOne("SELECT 1 FROM read_model_state WHERE id = 1 FOR UPDATE", rs -> rs.getInt(1));
        db.update(
                "UPDATE read_model_state SET building_generation = NULL WHERE id = 1 AND building_generation = ?",
                generation);
        dropTables(generation);
        return true;
    }

    /**
     * A building generation whose replay is not running (failed by a migration, or ended by a replica that died
     * between two statements it should not have been between) can never finish: it is cleared and its tables dropped.
     *
     * @return the generation cleaned up
     */
    public Optional<Integer> clearOrphanedBuild() {
        Optional<Integer> orphan = db.queryOne(
                "SELECT s.building_generation FROM read_model_state s WHERE s.id = 1"
                        + " AND s.building_generation IS NOT NULL AND NOT EXISTS (SELECT 1 FROM replays r"
                        + " WHERE r.generation = s.building_generation AND r.state = 'RUNNING') FOR UPDATE",
                rs -> rs.getInt(1));
        orphan.ifPresent(generation -> {
            db.update("UPDATE read_model_state SET building_generation = NULL WHERE id = 1");
            dropTables(generation);
        });
        return orphan;
    }

    /**
     * Generations replaced by a switch-over at least {@code grace} ago whose tables still exist: readers that read the
     * old generation before the switch had that long to finish.
     */
    public List<Integer> replacedGenerationsToDrop(Duration grace) {
        return db.query(
                "SELECT r.replaced_generation FROM replays r, read_model_state s WHERE s.id = 1"
                        + " AND r.state = 'COMPLETED' AND r.replaced_generation IS NOT NULL"
                        + " AND r.replaced_generation <> s.active_generation"
                        + " AND r.finished_at < clock_timestamp() - ?::interval"
                        + " AND to_regclass(CASE WHEN r.replaced_generation = 0 THEN 'plays'"
                        + " ELSE 'plays_g' || r.replaced_generation END) IS NOT NULL",
                rs -> rs.getInt(1),
                interval(grace));
    }

    public void dropTables(int generation) {
        ReadModelTables tables = new ReadModelTables(generation);
        for (String base : ReadModelTables.BASE_NAMES) {
            db.update("DROP TABLE IF EXISTS " + tables.name(base));
        }
        db.update("DELETE FROM read_model_rollups_built WHERE generation = ?", generation);
    }

    /** Whether the generation's tables exist (its plays table stands for all of them). */
    public boolean tablesExist(int generation) {
        return db.queryOne(
                        "SELECT to_regclass(?) IS NOT NULL",
                        rs -> rs.getBoolean(1),
                        new ReadModelTables(generation).plays())
                .orElseThrow();
    }

    public Optional<ReplayRow> find(int generation) {
        return db.queryOne(SELECT + " WHERE r.generation = ?", ReplayRepository::row, generation);
    }

    public List<ReplayRow> recent(int limit) {
        return db.query(SELECT + " ORDER BY r.generation DESC LIMIT ?", ReplayRepository::row, limit);
    }

    private static ReplayRow row(ResultSet rs) throws SQLException {
        long lag = rs.getLong("lag");
        Long lagOrNull = rs.wasNull() ? null : lag;
        Array handover = rs.getArray("handover_offsets");
        long[] offsets = handover == null
                ? new long[0]
                : Arrays.stream((Long[]) handover.getArray())
                        .mapToLong(Long::longValue)
                        .toArray();
        return new ReplayRow(
                rs.getInt("generation"),
                rs.getString("state"),
                rs.getString("consumer_group"),
                Db.instant(rs, "started_at"),
                Db.instant(rs, "finished_at"),
                rs.getLong("records"),
                lagOrNull,
                rs.getString("detail"),
                rs.getString("owner"),
                Db.instant(rs, "heartbeat_at"),
                Db.instant(rs, "lease_until"),
                rs.getBoolean("lease_expired"),
                rs.getInt("takeovers"),
                offsets,
                (Integer) rs.getObject("replaced_generation"));
    }

    private static String interval(Duration duration) {
        return duration.toMillis() + " milliseconds";
    }

    private static String arrayLiteral(long[] values) {
        List<String> items = new ArrayList<>(values.length);
        for (long value : values) {
            items.add(Long.toString(value));
        }
        return items.stream().collect(Collectors.joining(",", "{", "}"));
    }
}
