package io.audiospective.api.service;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import io.audiospective.api.PublishedPlay;
import io.audiospective.api.ReadModelTables;
import io.audiospective.api.config.ApiConfig;
import io.audiospective.api.repository.ReplayRepository;
import io.audiospective.api.repository.ReplayRepository.Begun;
import io.audiospective.api.repository.ReplayRepository.ReplayRow;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.Topics;
import io.audiospective.model.codec.MessageCodec;
import io.audiospective.model.codec.MessageFormatException;
import io.audiospective.support.BeforeSchemaMigrated;
import io.audiospective.support.messaging.Failures;
import io.audiospective.support.rest.ProblemException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.Identifier;

/**
 * Backfill by replay: re-reads {@code plays} from the earliest offset with the generation's own consumer group into a
 * new generation of read-model tables, while the live consumer keeps serving (and writes new plays into both
 * generations). Readers never see a half-built model: the active generation is switched in one transaction.
 *
 * <p>Replicas coordinate through the database ({@link ReplayRepository}): one replay at a time, built by the replica
 * holding its lease. Each batch is applied in a transaction that first renews the lease, so a builder that lost it
 * applies nothing more. Every replica checks every {@code replay.check-interval}; a lease that ran out (the builder's
 * process died) is taken over, and the new builder resumes the same generation from the group's committed offsets
 * (the fold is idempotent on (user, played_at), so a batch applied twice counts once).
 *
 * <p>Switch-over: when the replay has read, on every partition, up to the handover offset (the partition's end when
 * the generation was created, read while no fold could run). Every record from there on is written into the new
 * generation by the live consumer, so whatever lag remains is no reason to wait (a lag of exactly 0 may never come
 * under sustained traffic), and no record before it is left out (a bound on the lag alone would leave out the last
 * records of a quiet topic).
 */
@ApplicationScoped
public class ReplayService {

    private static final Logger LOG = Logger.getLogger(ReplayService.class);
    private static final Duration PROGRESS_LOG_EVERY = Duration.ofSeconds(10);

    /** A replay as shown to admins. */
    public record Replay(
            int generation,
            String state,
            String consumerGroup,
            Instant startedAt,
            Instant finishedAt,
            long records,
            Long lag,
            String detail,
            String owner,
            Instant heartbeatAt,
            int takeovers) {

        static Replay of(ReplayRow row) {
            return new Replay(
                    row.generation(),
                    row.state(),
                    row.consumerGroup(),
                    row.startedAt(),
                    row.finishedAt(),
                    row.records(),
                    row.lag(),
                    row.detail(),
                    row.owner(),
                    row.heartbeatAt(),
                    row.takeovers());
        }
    }

    /** The answer to a start request: the replay it started, or the one running already. */
    public record Started(Replay replay, boolean created) {}

    /** The replay is no longer this replica's (taken over, cancelled): it stops without touching anything. */
    private static final class LeaseLost extends RuntimeException {
        LeaseLost(int generation) {
            super("Replay " + generation + " is no longer built by this replica", null, false, false);
        }
    }

    private final ReplayRepository replays;
    private final ReadModelService readModel;
    private final Map<String, Object> kafkaConfig = new HashMap<>();
    private final Duration dropAfter;
    private final Duration lease;
    private final int batchSize;
    private final String owner;
    /** The generation this replica builds, -1 for none. */
    private final AtomicInteger building = new AtomicInteger(-1);

    private volatile boolean stopping;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "read-model-replay");
        thread.setDaemon(true);
        return thread;
    });

    ReplayService(
            ReplayRepository replays,
            ReadModelService readModel,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            ApiConfig config) {
        this.replays = replays;
        this.readModel = readModel;
        // the shared kafka.* settings a consumer takes: bootstrap servers and, in Kubernetes, the SASL credentials
        kafkaConfig.forEach((key, value) -> {
            if (ConsumerConfig.configNames().contains(key)) {
                this.kafkaConfig.put(key, value);
            }
        });
        this.dropAfter = config.dropReplacedAfter();
        this.lease = config.replay().lease();
        this.batchSize = config.replay().batchSize();
        this.owner = ownerId();
    }

    /** Names this process in {@code replays.owner}: the host (the pod in Kubernetes), the pid, and a random part. */
    private static String ownerId() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "unknown-host";
            }
        }
        return host + "/" + ProcessHandle.current().pid() + "/"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    /** This replica's owner id. */
    public String owner() {
        return owner;
    }

    /**
     * Starts a rebuild into a new generation built by this replica, or answers the replay running already (on any
     * replica).
     */
    public Started start() {
        Begun begun;
        try (KafkaConsumer<String, byte[]> consumer = consumer(Map.of())) {
            // metadata before the transaction: only the end offsets are read while live folds wait for the lock
            List<TopicPartition> partitions = partitions(consumer);
            begun = QuarkusTransaction.requiringNew()
                    .call(() -> replays.begin(owner, lease, () -> endOffsets(consumer, partitions)));
        }
        if (begun.created()) {
            LOG.infof(
                    "Replay into generation %d started by %s from the earliest offset of %s",
                    begun.replay().generation(), owner, Topics.PLAYS);
            launch(begun.replay().generation());
        }
        return new Started(Replay.of(begun.replay()), begun.created());
    }

    /**
     * Cancels a running replay, whichever replica builds it: its generation is cleaned up at once (see
     * {@link ReplayRepository#end}); the builder finds its lease gone at its next batch and stops.
     */
    public Replay cancel(int generation) {
        boolean cancelled = QuarkusTransaction.requiringNew()
                .call(() -> replays.end(generation, null, "CANCELLED", "cancelled by an operator"));
        Replay replay = find(generation).orElseThrow(() -> ProblemException.notFound("No replay " + generation));
        if (!cancelled) {
            throw ProblemException.conflict(
                    "Replay " + generation + " is " + replay.state() + ": only a running replay can be cancelled");
        }
        LOG.infof("Replay into generation %d cancelled by an operator; its tables are dropped", generation);
        return replay;
    }

    /**
     * Every replica, every {@code replay.check-interval}: takes over the running replay whose lease ran out, cleans a
     * building generation nothing can finish, and drops the tables of generations replaced long enough ago.
     */
    @Scheduled(
            every = "${audiospective.api.replay.check-interval:PT5S}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = BeforeSchemaMigrated.class)
    void check() {
        if (stopping) {
            return;
        }
        try {
            if (building.get() < 0) {
                Optional<Integer> taken = QuarkusTransaction.requiringNew()
                        .call(() -> replays.building()
                                .filter(ReplayRow::leaseExpired)
                                .filter(row -> replays.takeOver(row.generation(), owner, lease))
                                .map(row -> {
                                    LOG.infof(
                                            "Replay into generation %d: the lease of %s ran out; %s resumes it from the"
                                                    + " committed offsets of %s",
                                            row.generation(), row.owner(), owner, row.consumerGroup());
                                    return row.generation();
                                }));
                taken.ifPresent(this::launch);
            }
            QuarkusTransaction.requiringNew()
                    .call(replays::clearOrphanedBuild)
                    .ifPresent(generation -> LOG.warnf(
                            "Generation %d was being built without a running replay: cleared, tables dropped",
                            generation));
            for (int generation :
                    QuarkusTransaction.requiringNew().call(() -> replays.replacedGenerationsToDrop(dropAfter))) {
                QuarkusTransaction.requiringNew().run(() -> replays.dropTables(generation));
                LOG.infof("Dropped the tables of replaced read-model generation %d", generation);
            }
        } catch (RuntimeException e) {
            // the next check tries again; nothing here is half done (each step is one transaction)
            LOG.warnf("Replay check failed: %s", Failures.describe(e));
        }
    }

    private void launch(int generation) {
        if (building.compareAndSet(-1, generation)) {
            executor.execute(() -> {
                try {
                    build(generation);
                } finally {
                    building.set(-1);
                }
            });
        }
    }

    private void build(int generation) {
        ReadModelTables target = new ReadModelTables(generation);
        ReplayRow row = replays.find(generation).orElseThrow();
        long records = row.records();
        Instant nextLog = Instant.now();
        try (KafkaConsumer<String, byte[]> consumer = consumer(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG,
                row.consumerGroup(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                batchSize))) {
            List<TopicPartition> partitions = partitions(consumer);
            // Manual assignment: the builder reads every partition, no rebalances while it runs. The committed
            // offsets are the generation's, whoever built it before: a resumed replay goes on from them.
            consumer.assign(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions));
            for (TopicPartition partition : partitions) {
                if (committed.get(partition) == null) {
                    consumer.seekToBeginning(Set.of(partition));
                }
            }
            // plays only until the handover, then every rollup at once (a resumed replay goes on in its phase)
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
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                long lag = 0;
                long beforeHandover = 0;
                for (TopicPartition partition : partitions) {
                    long position = consumer.position(partition);
                    lag += Math.max(0, ends.get(partition) - position);
                    beforeHandover += Math.max(0, row.handoverOffset(partition.partition()) - position);
                }
                records += plays.size();
                long applied = records;
                long currentLag = lag;
                // one transaction: the lease first (fencing), then the batch
                boolean bulk = !rollupsBuilt;
                boolean leased = QuarkusTransaction.requiringNew().call(() -> {
                    if (!replays.heartbeat(generation, owner, lease, applied, currentLag)) {
                        return false;
                    }
                    if (!plays.isEmpty() && !bulk) {
                        readModel.applyReplayed(target, plays);
                    } else if (!plays.isEmpty()) {
                        readModel.loadReplayed(target, plays);
                    }
                    return true;
                });
                if (!leased) {
                    throw new LeaseLost(generation);
                }
                // after the commit: a crash in between applies the batch again, which changes nothing
                consumer.commitSync();
                if (Instant.now().isAfter(nextLog)) {
                    LOG.infof(
                            "Replay into generation %d: %d records applied, lag %d, %d records before the handover"
                                    + " offsets",
                            generation, records, lag, beforeHandover);
                    nextLog = Instant.now().plus(PROGRESS_LOG_EVERY);
                }
                if (beforeHandover == 0) {
                    if (!rollupsBuilt) {
                        buildRollups(generation, target, records, lag);
                        rollupsBuilt = true;
                    }
                    switchOver(generation, lag);
                    return;
                }
            }
            // shutting down: another replica takes over at its next check rather than when the lease runs out
            QuarkusTransaction.requiringNew().run(() -> replays.release(generation, owner));
            LOG.infof("Replay into generation %d handed back at shutdown after %d records", generation, records);
        } catch (LeaseLost e) {
            LOG.infof("Replay into generation %d: %s; stopped", generation, e.getMessage());
        } catch (RuntimeException e) {
            if (stopping) {
                // the application shuts down under the replay: the lease runs out and another replica resumes it
                LOG.infof("Replay into generation %d interrupted by shutdown: %s", generation, Failures.describe(e));
            } else if (Failures.classify(e) == Failures.Kind.INFRASTRUCTURE) {
                // the lease runs out and a replica (this one too) resumes from the committed offsets
                LOG.warnf(
                        "Replay into generation %d stopped by an unavailable dependency (%s); resumed from the"
                                + " committed offsets once its lease of %s runs out",
                        generation, Failures.describe(e), lease);
            } else {
                LOG.errorf(e, "Replay into generation %d failed", generation);
                fail(generation, Failures.code(e) + ": " + Failures.describe(e));
            }
        }
    }

    /**
     * Every rollup of the loaded generation ({@link ReadModelService#buildRollups}), the lease renewed meanwhile (the
     * build may take longer than a lease); a builder that lost it to a cancel stops afterwards.
     */
    private void buildRollups(int generation, ReadModelTables target, long records, long lag) {
        long started = System.nanoTime();
        LOG.infof("Replay into generation %d: %d records loaded; building the rollups", generation, records);
        ScheduledExecutorService renewal = Executors.newSingleThreadScheduledExecutor();
        long every = Math.max(1, lease.toMillis() / 3);
        renewal.scheduleWithFixedDelay(
                () -> {
                    try {
                        QuarkusTransaction.requiringNew()
                                .run(() -> replays.heartbeat(generation, owner, lease, records, lag));
                    } catch (RuntimeException e) {
                        LOG.warnf("Replay into generation %d: lease not renewed: %s", generation, Failures.describe(e));
                    }
                },
                every,
                every,
                TimeUnit.MILLISECONDS);
        try {
            readModel.buildRollups(target);
        } finally {
            renewal.shutdownNow();
        }
        if (!QuarkusTransaction.requiringNew().call(() -> replays.heartbeat(generation, owner, lease, records, lag))) {
            throw new LeaseLost(generation);
        }
        LOG.infof(
                "Replay into generation %d: rollups built in %d ms",
                generation, (System.nanoTime() - started) / 1_000_000);
    }

    private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer) {
        return consumer.partitionsFor(Topics.PLAYS, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition))
                .toList();
    }

    private KafkaConsumer<String, byte[]> consumer(Map<String, Object> settings) {
        Map<String, Object> props = new HashMap<>(kafkaConfig);
        props.putAll(settings);
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** The end offset of every partition of {@code plays}, indexed by partition. */
    private static long[] endOffsets(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        int size = partitions.stream().mapToInt(TopicPartition::partition).max().orElse(-1) + 1;
        long[] offsets = new long[size];
        ends.forEach((partition, end) -> offsets[partition.partition()] = end);
        return offsets;
    }

    private void switchOver(int generation, long lag) {
        Optional<Integer> replaced =
                QuarkusTransaction.requiringNew().call(() -> replays.complete(generation, owner, lag));
        if (replaced.isEmpty()) {
            throw new LeaseLost(generation);
        }
        LOG.infof(
                "Read model generation %d is active (remaining lag %d, written by the live consumer); generation %d"
                        + " is dropped after %s",
                generation, lag, replaced.get(), dropAfter);
    }

    private void fail(int generation, String detail) {
        try {
            QuarkusTransaction.requiringNew().run(() -> replays.end(generation, owner, "FAILED", detail));
        } catch (RuntimeException e) {
            // the lease runs out; a replica resumes the replay and meets the failure again, or gets past it
            LOG.warnf("Replay into generation %d could not be marked failed: %s", generation, Failures.describe(e));
        }
    }

    public Optional<Replay> find(int generation) {
        return replays.find(generation).map(Replay::of);
    }

    public List<Replay> recent() {
        return replays.recent(20).stream().map(Replay::of).toList();
    }

    @PreDestroy
    void stop() {
        stopping = true;
        executor.shutdown();
    }
}
