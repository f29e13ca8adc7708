package io.audiospective.archive.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Offsets committed while records finish out of order: never past a record still in flight. */
class CommitPositionsTest {

    private final TopicPartition first = new TopicPartition("archive.batches", 0);
    private final TopicPartition second = new TopicPartition("archive.batches", 1);
    private final CommitPositions positions = new CommitPositions();

    @Test
    void thePositionMovesOnlyPastRecordsThatAreDoneAndEveryOneBeforeThem() {
        positions.started(first, 10);
        positions.started(first, 11);
        positions.started(first, 12);
        assertThat(positions.toCommit()).as("nothing done yet").isEmpty();

        positions.done(first, 12);
        assertThat(positions.toCommit()).as("10 and 11 still in flight").isEmpty();

        positions.done(first, 10);
        assertThat(positions.toCommit()).containsExactly(Map.entry(first, new OffsetAndMetadata(11)));
        assertThat(positions.toCommit()).as("taken once").isEmpty();

        positions.done(first, 11);
        assertThat(positions.toCommit()).containsExactly(Map.entry(first, new OffsetAndMetadata(13)));
    }

    @Test
    void partitionsAreIndependent() {
        positions.started(first, 0);
        positions.started(second, 5);
        positions.done(second, 5);

        assertThat(positions.toCommit()).containsExactly(Map.entry(second, new OffsetAndMetadata(6)));
    }

    @Test
    void aReleasedPartitionCommitsWhatIsDoneAndIgnoresRecordsFinishingLater() {
        positions.started(first, 3);
        positions.started(first, 4);
        positions.done(first, 3);

        assertThat(positions.release(List.of(first))).containsExactly(Map.entry(first, new OffsetAndMetadata(4)));

        positions.done(first, 4);
        assertThat(positions.toCommit())
                .as("the partition's next owner reads 4 again")
                .isEmpty();
    }
}
