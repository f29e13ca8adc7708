package io.audiospective.api.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import io.audiospective.api.PublishedPlay;
import io.audiospective.api.ReadModelTables;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.Topics;
import io.audiospective.model.codec.MessageCodec;
import io.audiospective.model.codec.MessageFormatException;
import io.audiospective.support.rest.ProblemException;
import io.audiospective.support.sql.Db;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.Identifier;

/**
 * Backfill by replay: re-reads {@code plays} from the earliest offset with a fresh consumer group into a new
 * generation of read-model tables, while the live consumer keeps serving (and writes new plays into both
 * generations). When the replay has caught up (no lag) the active generation is switched in one transaction;
 * readers never see a half-built model. The old generation's tables are dropped shortly after.
 */
@ApplicationScoped
public class ReplayService {

    private static final Logger LOG = Logger.getLogger(ReplayService.class);

    /** A replay as shown to admins. */
    public record Replay(
            int generation,
            String state,
            String consumerGroup,
            Instant startedAt,
            Instant finishedAt,
            long records,
            Long lag,
            String detail) {}

    private final Db db;
    private final ReadModelService readModel;
    private final Clock clock;
    private final Map<String, Object> kafkaConfig = new HashMap<>();
    private final Duration dropAfter;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean stopping;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "read-model-replay");
        thread.setDaemon(true);
        return thread;
    });

    ReplayService(
            Db db,
            ReadModelService readModel,
            Clock clock,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            io.audiospective.api.config.ApiConfig config) {
        this.db = db;
        this.readModel = readModel;
        this.clock = clock;
        // the shared kafka.* settings a consumer takes: bootstrap servers and, in Kubernetes, the SASL credentials
        kafkaConfig.forEach((key, value) -> {
            if (ConsumerConfig.configNames().contains(key)) {
                this.kafkaConfig.put(key, value);
            }
        });
        this.dropAfter = config.dropReplacedAfter();
    }

    /** Starts a rebuild into a new generation; 409 while one runs. */
    public Replay start() {
        if (!running.compareAndSet(false, true)) {
            throw ProblemException.conflict("A replay is already running");
        }
        try {
            int generation = QuarkusTransaction.requiringNew().call(this::prepare);
            String group = "api-service-replay-" + generation;
            executor.execute(() -> run(generation, group));
            return find(generation).orElseThrow();
        } catch (RuntimeException e) {
            running.set(false);
            throw e;
        }
    }

    private int prepare() {
        int[] state = db.queryOne(
                        "SELECT active_generation, building_generation FROM read_model_state WHERE id = 1"
                                + " FOR UPDATE",
                        rs -> new int[] {rs.getInt(1), rs.getObject(2) == null ? -1 : rs.getInt(2)})
                .orElseThrow();
        if (state[1] >= 0) {
            // Not running in this process (guarded above): its runner died; abandon it and start afresh.
            db.update(
                    "UPDATE replays SET state = 'ABANDONED', finished_at = ? WHERE generation = ?",
                    clock.instant(),
                    state[1]);
            for (String base : ReadModelTables.BASE_NAMES) {
                db.update("DROP TABLE IF EXISTS " + new ReadModelTables(state[1]).name(base));
            }
        }
        int next = db.queryOne(
                        "SELECT greatest(coalesce(max(generation), 0), ?) + 1 FROM replays",
                        rs -> rs.getInt(1),
                        state[0])
                .orElseThrow();
        ReadModelTables active = new ReadModelTables(state[0]);
        ReadModelTables target = new ReadModelTables(next);
        for (String base : ReadModelTables.BASE_NAMES) {
            db.update("DROP TABLE IF EXISTS " + target.name(base));
            db.update("CREATE TABLE " + target.name(base) + " (LIKE " + active.name(base) + " INCLUDING ALL)");
        }
        readModel.prepareBulkLoad(target);
        db.update("UPDATE read_model_state SET building_generation = ? WHERE id = 1", next);
        db.update(
                "INSERT INTO replays (generation, state, consumer_group, started_at) VALUES (?, 'RUNNING', ?, ?)",
                next,
                "api-service-replay-" + next,
                clock.instant());
        return next;
    }

    private void run(int generation, String group) {
        ReadModelTables target = new ReadModelTables(generation);
        long records = 0;
        Map<String, Object> props = new HashMap<>();
        props.putAll(kafkaConfig);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // large polls: the bulk pass costs one insert per poll, whatever its size
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.PLAYS, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            // Manual assignment: the replay owns every partition, no rebalances while it runs.
            consumer.assign(partitions);
            for (TopicPartition partition : partitions) {
                if (consumer.committed(Set.of(partition)).get(partition) == null) {
                    consumer.seekToBeginning(Set.of(partition));
                }
            }
            // plays only until caught up, then every rollup at once, then the last records folded as they come
            boolean rollupsBuilt = readModel.rollupsBuilt(target);
            while (!stopping) {
                ConsumerRecords<String, byte[]> batch = consumer.poll(Duration.ofMillis(500));
                List<PublishedPlay> plays = new ArrayList<>(batch.count());
                for (ConsumerRecord<String, byte[]> record : batch) {
                    try {
                        plays.add(new PublishedPlay(
                                MessageCodec.decode(record.value(), PlayEvent.class),
                                Instant.ofEpochMilli(record.timestamp())));
                    } catch (MessageFormatException e) {
                        // The live consumer sent it to plays.dlq already; a replay cannot do better.
                    }
                }
                if (!plays.isEmpty() && rollupsBuilt) {
                    readModel.applyReplayed(target, plays);
                } else if (!plays.isEmpty()) {
                    readModel.loadReplayed(target, plays);
                }
                records += plays.size();
                consumer.commitSync();
                long lag = 0;
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                for (TopicPartition partition : partitions) {
                    lag += Math.max(0, ends.get(partition) - consumer.position(partition));
                }
                long processed = records;
                long currentLag = lag;
                QuarkusTransaction.requiringNew()
                        .run(() -> db.update(
                                "UPDATE replays SET records = ?, lag = ? WHERE generation = ?",
                                processed,
                                currentLag,
                                generation));
                if (lag == 0 && !rollupsBuilt) {
                    long building = System.nanoTime();
                    readModel.buildRollups(target);
                    rollupsBuilt = true;
                    LOG.infof(
                            "Replay into generation %d: %d records loaded, rollups built in %d ms",
                            generation, records, (System.nanoTime() - building) / 1_000_000);
                } else if (lag == 0) {
                    switchOver(generation);
                    return;
                }
            }
            fail(generation, "stopped before it caught up");
        } catch (RuntimeException e) {
            LOG.errorf(e, "Replay into generation %d failed", generation);
            fail(generation, e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            running.set(false);
        }
    }

    private void switchOver(int generation) {
        int old = QuarkusTransaction.requiringNew().call(() -> {
            int previous = db.queryOne(
                            "SELECT active_generation FROM read_model_state WHERE id = 1 FOR UPDATE",
                            rs -> rs.getInt(1))
                    .orElseThrow();
            db.update(
                    "UPDATE read_model_state SET active_generation = ?, building_generation = NULL WHERE id = 1",
                    generation);
            db.update(
                    "UPDATE replays SET state = 'COMPLETED', finished_at = ?, lag = 0 WHERE generation = ?",
                    clock.instant(),
                    generation);
            return previous;
        });
        LOG.infof("Read model generation %d is active; generation %d is dropped in %s", generation, old, dropAfter);
        executor.schedule(() -> dropGeneration(old), dropAfter.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void dropGeneration(int generation) {
        try {
            ReadModelTables tables = new ReadModelTables(generation);
            QuarkusTransaction.requiringNew().run(() -> {
                for (String base : ReadModelTables.BASE_NAMES) {
                    db.update("DROP TABLE IF EXISTS " + tables.name(base));
                }
            });
        } catch (RuntimeException e) {
            LOG.warnf("Could not drop read model generation %d: %s", generation, e.getMessage());
        }
    }

    private void fail(int generation, String detail) {
        QuarkusTransaction.requiringNew().run(() -> {
            db.update(
                    "UPDATE read_model_state SET building_generation = NULL WHERE id = 1"
                            + " AND building_generation = ?",
                    generation);
            db.update(
                    "UPDATE replays SET state = 'FAILED', finished_at = ?, detail = ? WHERE generation = ?",
                    clock.instant(),
                    detail,
                    generation);
        });
    }

    public Optional<Replay> find(int generation) {
        return db.queryOne("SELECT * FROM replays WHERE generation = ?", ReplayService::replay, generation);
    }

    public List<Replay> recent() {
        return db.query("SELECT * FROM replays ORDER BY generation DESC LIMIT 20", ReplayService::replay);
    }

    private static Replay replay(java.sql.ResultSet rs) throws java.sql.SQLException {
        long lag = rs.getLong("lag");
        return new Replay(
                rs.getInt("generation"),
                rs.getString("state"),
                rs.getString("consumer_group"),
                Db.instant(rs, "started_at"),
                Db.instant(rs, "finished_at"),
                rs.getLong("records"),
                rs.wasNull() ? null : lag,
                rs.getString("detail"));
    }

    @PreDestroy
    void stop() {
        stopping = true;
        executor.shutdown();
    }
}
