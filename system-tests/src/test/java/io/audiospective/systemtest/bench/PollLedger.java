package io.audiospective.systemtest.bench;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.audiospective.model.ArchiveBatch;
import io.audiospective.model.ArchiveOutcome;

/**
 * Matches the polls the schedulers asked for ({@code archive.batches}) with the polls the workers did
 * ({@code archive.outcomes}): each member of each batch must be polled exactly once, and no member twice for the
 * same slot, however the batches were spread over workers. A worker that skips a member because its idempotency key
 * says it is done (a redelivered or duplicated batch) publishes no outcome, so an outcome is a real Spotify call.
 */
final class PollLedger {

    /**
     * @param batches batches published for a slot in the window
     * @param asked members asked for in those batches, one per (batch, member)
     * @param polledOnce (batch, member) pairs with exactly one outcome
     * @param polledTwice (batch, member) pairs with more than one outcome
     * @param notPolled (batch, member) pairs with no outcome
     * @param slotPolledTwice (member, slot) pairs polled by more than one batch
     * @param membersNeverAsked registered members no batch of the window asked for
     */
    record Result(
            int batches,
            long asked,
            long polledOnce,
            long polledTwice,
            long notPolled,
            long slotPolledTwice,
            long membersNeverAsked) {

        boolean exact() {
            return polledTwice == 0 && notPolled == 0 && slotPolledTwice == 0 && membersNeverAsked == 0;
        }
    }

    private record Poll(String batchId, String userId) {}

    private record SlotPoll(String userId, Instant scheduledFor) {}

    private PollLedger() {}

    /** The ledger of the batches whose slot lies in [from, to), against every outcome published so far. */
    static Result of(
            Collection<ArchiveBatch> allBatches,
            Collection<ArchiveOutcome> outcomes,
            Collection<String> members,
            Instant from,
            Instant to) {
        List<ArchiveBatch> batches = allBatches.stream()
                .filter(b ->
                        !b.scheduledFor().isBefore(from) && b.scheduledFor().isBefore(to))
                .toList();
        Map<Poll, Integer> done = new HashMap<>();
        Map<SlotPoll, Set<String>> batchesPerSlot = new HashMap<>();
        for (ArchiveOutcome outcome : outcomes) {
            done.merge(new Poll(outcome.batchId(), outcome.userId()), 1, Integer::sum);
            batchesPerSlot
                    .computeIfAbsent(new SlotPoll(outcome.userId(), outcome.scheduledFor()), k -> new HashSet<>())
                    .add(outcome.batchId());
        }
        long asked = 0;
        long once = 0;
        long twice = 0;
        long missing = 0;
        Set<SlotPoll> slotsTwice = new HashSet<>();
        Set<String> askedMembers = new HashSet<>();
        for (ArchiveBatch batch : batches) {
            for (String userId : batch.userIds()) {
                asked++;
                askedMembers.add(userId);
                int count = done.getOrDefault(new Poll(batch.batchId(), userId), 0);
                if (count == 0) {
                    missing++;
                } else if (count == 1) {
                    once++;
                } else {
                    twice++;
                }
                SlotPoll slot = new SlotPoll(userId, batch.scheduledFor());
                if (batchesPerSlot.getOrDefault(slot, Set.of()).size() > 1) {
                    slotsTwice.add(slot);
                }
            }
        }
        long neverAsked =
                members.stream().filter(m -> !askedMembers.contains(m)).count();
        return new Result(batches.size(), asked, once, twice, missing, slotsTwice.size(), neverAsked);
    }
}
