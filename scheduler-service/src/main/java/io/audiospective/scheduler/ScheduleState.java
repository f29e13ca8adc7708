package io.audiospective.scheduler;

import java.time.Instant;

import io.audiospective.model.FailureKind;

/**
 * A user's schedule as the admin endpoint shows it.
 *
 * @param slotOffset where the user's slot lies in each polling period (ISO-8601 duration)
 * @param nextPoll when the user will next be published, null when they are not polled at all
 * @param nextSlot the next regular slot, whatever the backoff says
 */
public record ScheduleState(
        String userId,
        ScheduleStatus status,
        Instant statusSince,
        String pollingPeriod,
        String slotOffset,
        Instant nextSlot,
        Instant nextPoll,
        FailureKind failureKind,
        int consecutiveFailures,
        Instant backoffUntil,
        String lastFailureDetail,
        Instant lastOutcomeAt,
        Instant extraPollAt,
        ExtraPollReason extraPollReason,
        Instant lastPublishedAt,
        String lastPublishedReason,
        String lastBatchId) {}
