package io.audiospective.archive.messaging;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Consumes one topic with a Kafka consumer on a thread of its own and processes up to {@code concurrency} records at
 * once on a pool. While that many are in flight the consumer pauses its partitions and waits in {@code poll} with a
 * timeout, woken up as soon as a record is done: a full worker costs nothing while it waits. (SmallRye's channels
 * poll a paused consumer without timeout every 2 ms instead, which took about a fifth of an overloaded worker's
 * CPU.) Offsets are committed by {@link CommitPositions}: only past records that are done.
 */
final class ConcurrentRecordLoop {

    private static final Logger LOG = Logger.getLogger(ConcurrentRecordLoop.class);
    /** How long a poll waits for records, or while paused for a free slot (a finished record wakes it up at once). */
    static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);

    private static final Duration KAFKA_FAILURE_BACKOFF = Duration.ofSeconds(1);

    /** Processes one record; returns once it is applied or set aside. */
    @FunctionalInterface
    interface RecordHandler {
        /** @throws InterruptedException when stopping before the record was applied: it is not committed */
        void handle(ConsumerRecord<String, byte[]> record) throws InterruptedException;
    }

    private record Finished(TopicPartition partition, long offset, boolean done) {}

    private final Consumer<String, byte[]> consumer;
    private final String topic;
    private final int concurrency;
    private final RecordHandler handler;
    private final ExecutorService pool;
    private final Thread thread;
    private final CommitPositions positions = new CommitPositions();
    private final Queue<Finished> finished = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong polls = new AtomicLong();
    private final AtomicLong pausedPolls = new AtomicLong();
    private volatile boolean running = true;
    private volatile Duration stopGrace = Duration.ZERO;

    ConcurrentRecordLoop(Consumer<String, byte[]> consumer, String topic, int concurrency, RecordHandler handler) {
        this.consumer = consumer;
        this.topic = topic;
        this.concurrency = concurrency;
        this.handler = handler;
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(
                concurrency, runnable -> new Thread(runnable, topic + "-record-" + threads.incrementAndGet()));
        this.thread = new Thread(this::run, topic + "-consumer");
    }

    void start() {
        thread.start();
    }

    /** Stops polling, gives the records in flight {@code grace} to finish, commits what is done and closes. */
    void stop(Duration grace) throws InterruptedException {
        stopGrace = grace;
        running = false;
        consumer.wakeup();
        thread.join(grace.plusSeconds(10).toMillis());
    }

    /** Polls made so far. */
    long polls() {
        return polls.get();
    }

    /** Polls made while every slot was taken (each waits up to {@link #POLL_TIMEOUT} unless a record finishes). */
    long pausedPolls() {
        return pausedPolls.get();
    }

    int inFlight() {
        return inFlight.get();
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topic), new Rebalance());
            while (running) {
                try {
                    settleFinished();
                    boolean full = inFlight.get() >= concurrency;
                    if (full) {
                        consumer.pause(consumer.assignment());
                    } else if (!consumer.paused().isEmpty()) {
                        consumer.resume(consumer.paused());
                    }
                    ConsumerRecords<String, byte[]> records = consumer.poll(POLL_TIMEOUT);
                    polls.incrementAndGet();
                    if (full) {
                        pausedPolls.incrementAndGet();
                    }
                    records.forEach(this::process);
                } catch (WakeupException woken) {
                    // a record finished, or the loop is stopping
                } catch (KafkaException e) {
                    LOG.warnf("Consuming %s failed, trying again in %s: %s", topic, KAFKA_FAILURE_BACKOFF, e);
                    Thread.sleep(KAFKA_FAILURE_BACKOFF.toMillis());
                }
            }
            pool.shutdown();
            if (!pool.awaitTermination(stopGrace.toMillis(), TimeUnit.MILLISECONDS)) {
                // what is still in flight is not committed: it is read again after the restart
                pool.shutdownNow();
                pool.awaitTermination(stopGrace.toMillis(), TimeUnit.MILLISECONDS);
            }
            settleFinished();
            commitSync(positions.toCommit());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.errorf(e, "Consuming %s stopped", topic);
        } finally {
            consumer.close();
        }
    }

    private void process(ConsumerRecord<String, byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        positions.started(partition, record.offset());
        inFlight.incrementAndGet();
        pool.execute(() -> {
            boolean done = false;
            try {
                handler.handle(record);
                done = true;
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // the handler settles every failure; this is a bug: not committed, so read again after a restart
                LOG.errorf(e, "Record %s-%d@%d was not processed", record.topic(), record.partition(), record.offset());
            } finally {
                finished.add(new Finished(partition, record.offset(), done));
                inFlight.decrementAndGet();
                consumer.wakeup();
            }
        });
    }

    /** Takes in what the pool finished and commits the positions that moved. */
    private void settleFinished() {
        Finished entry;
        while ((entry = finished.poll()) != null) {
            if (entry.done()) {
                positions.done(entry.partition(), entry.offset());
            }
        }
        Map<TopicPartition, OffsetAndMetadata> moved = positions.toCommit();
        if (!moved.isEmpty()) {
            consumer.commitAsync(moved, (offsets, failure) -> {
                if (failure != null) {
                    // a later commit covers these; until then a restart repeats a few records, which is harmless
                    LOG.infof("Committing %s failed: %s", offsets, failure.toString());
                }
            });
        }
    }

    private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                consumer.commitSync(offsets);
                return;
            } catch (WakeupException woken) {
                // a record finishing woke the consumer up: commit again
                if (attempt == 3) {
                    LOG.infof("Committing %s was interrupted", offsets);
                    return;
                }
            } catch (KafkaException e) {
                // the next owner of these partitions repeats a few records, which is harmless
                LOG.infof("Committing %s failed: %s", offsets, e.toString());
                return;
            }
        }
    }

    /** Runs inside {@code poll}, on the loop's thread. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            settleFinished();
            // records of these partitions still in flight are read again by their next owner
            commitSync(positions.release(revoked));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            LOG.infof("Consuming %s", assigned);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            positions.forget(lost);
        }
    }
}
