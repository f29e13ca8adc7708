package io.audiospective.scheduler;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.audiospective.model.ArchiveBatch;
import io.audiospective.model.BatchReason;

/**
 * One published window: users whose slot fell in [start, end) (reason SCHEDULED when published on time,
 * CATCH_UP when published after later windows had already ended) and the extra polls that came due.
 *
 * @param slotUsersDue users of the window (not deleted), before skipping
 * @param extraPollsDue extra polls that came due, before skipping
 * @param skipped users not published, by reason (e.g. {@code backoff_network}, {@code needs_reauth})
 */
public record WindowResult(
        String lane,
        String publishedBy,
        Instant start,
        Instant end,
        Instant publishedAt,
        BatchReason slotReason,
        int slotUsersDue,
        int extraPollsDue,
        List<ArchiveBatch> batches,
        Map<String, Integer> skipped) {

    public int usersPublished() {
        return batches.stream().mapToInt(batch -> batch.userIds().size()).sum();
    }
}
