package io.audiospective.systemtest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.audiospective.model.ArchiveBatch;
import io.audiospective.model.ArchiveOutcome;
import io.audiospective.model.BatchReason;

class PollLedgerTest {

    private static final Instant FROM = Instant.parse("2026-12-04T10:00:00Z");
    private static final Instant TO = FROM.plusSeconds(120);

    private static ArchiveBatch batch(String id, Instant slot, String... members) {
        return ArchiveBatch.of(id, slot, BatchReason.SCHEDULED, List.of(members));
    }

    private static ArchiveOutcome polled(ArchiveBatch batch, String member) {
        return ArchiveOutcome.success(
                batch.batchId(),
                member,
                batch.scheduledFor(),
                batch.scheduledFor().plusSeconds(5),
                4,
                false,
                false,
                false);
    }

    @Test
    void everyMemberOfEveryBatchPolledOnceIsExact() {
        ArchiveBatch first = batch("b1", FROM.plusSeconds(10), "ann", "bob");
        ArchiveBatch second = batch("b2", FROM.plusSeconds(40), "ann", "bob");

        PollLedger.Result ledger = PollLedger.of(
                List.of(first, second),
                List.of(polled(first, "ann"), polled(first, "bob"), polled(second, "ann"), polled(second, "bob")),
                List.of("ann", "bob"),
                FROM,
                TO);

        assertThat(ledger).isEqualTo(new PollLedger.Result(2, 4, 4, 0, 0, 0, 0));
        assertThat(ledger.exact()).isTrue();
    }

    @Test
    void aRedeliveredBatchPolledAgainCountsTwice() {
        ArchiveBatch batch = batch("b1", FROM.plusSeconds(10), "ann", "bob");

        PollLedger.Result ledger = PollLedger.of(
                List.of(batch),
                List.of(polled(batch, "ann"), polled(batch, "bob"), polled(batch, "bob")),
                List.of("ann", "bob"),
                FROM,
                TO);

        assertThat(ledger.polledTwice()).isEqualTo(1);
        assertThat(ledger.polledOnce()).isEqualTo(1);
        assertThat(ledger.exact()).isFalse();
    }

    @Test
    void aMemberWithoutOutcomeIsNotPolledAndAMemberInNoBatchIsNeverAsked() {
        ArchiveBatch batch = batch("b1", FROM.plusSeconds(10), "ann", "bob");

        PollLedger.Result ledger =
                PollLedger.of(List.of(batch), List.of(polled(batch, "ann")), List.of("ann", "bob", "cat"), FROM, TO);

        assertThat(ledger.notPolled()).isEqualTo(1);
        assertThat(ledger.membersNeverAsked()).isEqualTo(1);
        assertThat(ledger.exact()).isFalse();
    }

    @Test
    void twoBatchesForTheSameSlotPollingOneMemberAreCaught() {
        Instant slot = FROM.plusSeconds(10);
        ArchiveBatch one = batch("b1", slot, "ann");
        ArchiveBatch other = batch("b2", slot, "ann");

        PollLedger.Result ledger = PollLedger.of(
                List.of(one, other), List.of(polled(one, "ann"), polled(other, "ann")), List.of("ann"), FROM, TO);

        assertThat(ledger.slotPolledTwice()).isEqualTo(1);
        assertThat(ledger.polledOnce()).isEqualTo(2);
        assertThat(ledger.exact()).isFalse();
    }

    @Test
    void batchesOutsideTheWindowAreNotAskedFor() {
        ArchiveBatch before = batch("b0", FROM.minusSeconds(1), "ann");
        ArchiveBatch after = batch("b9", TO, "ann");

        PollLedger.Result ledger = PollLedger.of(List.of(before, after), List.of(), List.of(), FROM, TO);

        assertThat(ledger).isEqualTo(new PollLedger.Result(0, 0, 0, 0, 0, 0, 0));
    }
}
