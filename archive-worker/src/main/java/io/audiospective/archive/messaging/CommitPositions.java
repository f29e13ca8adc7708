package io.audiospective.archive.messaging;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offset of each partition may be committed while records of it are processed concurrently and finish out of
 * order: the lowest offset still in flight, or the one after the highest started when none is. Every record below
 * the committed position is then done, so a restart loses none (and repeats at most those in flight). Not
 * thread-safe: used by the polling thread only.
 */
final class CommitPositions {

    private final Map<TopicPartition, Partition> partitions = new HashMap<>();

    private static final class Partition {
        final TreeSet<Long> inFlight = new TreeSet<>();
        long next = -1;
        long committed = -1;

        long position() {
            return inFlight.isEmpty() ? next : inFlight.first();
        }
    }

    void started(TopicPartition partition, long offset) {
        Partition p = partitions.computeIfAbsent(partition, key -> new Partition());
        if (p.next < 0) {
            // where this consumer started on the partition: nothing before it to commit
            p.committed = offset;
        }
        p.inFlight.add(offset);
        p.next = Math.max(p.next, offset + 1);
    }

    /** A record is done (applied or set aside). Records of partitions no longer held are ignored. */
    void done(TopicPartition partition, long offset) {
        Partition p = partitions.get(partition);
        if (p != null) {
            p.inFlight.remove(offset);
        }
    }

    /** The positions that moved since they were last taken, to commit now. */
    Map<TopicPartition, OffsetAndMetadata> toCommit() {
        return take(partitions.keySet());
    }

    /** The positions of these partitions that moved, to commit before they go to another consumer; forgets them. */
    Map<TopicPartition, OffsetAndMetadata> release(Collection<TopicPartition> released) {
        Map<TopicPartition, OffsetAndMetadata> positions = take(released);
        partitions.keySet().removeAll(released);
        return positions;
    }

    /** Forgets these partitions without committing (they were lost, another consumer already has them). */
    void forget(Collection<TopicPartition> lost) {
        partitions.keySet().removeAll(lost);
    }

    private Map<TopicPartition, OffsetAndMetadata> take(Collection<TopicPartition> which) {
        Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
        for (TopicPartition partition : which) {
            Partition p = partitions.get(partition);
            if (p != null && p.next >= 0 && p.position() > p.committed) {
                p.committed = p.position();
                positions.put(partition, new OffsetAndMetadata(p.committed));
            }
        }
        return positions;
    }
}
