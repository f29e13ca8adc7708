package io.audiospective.scheduler.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.audiospective.model.ArchiveBatch;
import io.audiospective.model.BatchReason;
import io.audiospective.scheduler.ScheduleState;
import io.audiospective.scheduler.ScheduleStatus;
import io.audiospective.scheduler.ScheduledUser;
import io.audiospective.scheduler.Slots;
import io.audiospective.scheduler.config.SchedulerConfig;
import io.audiospective.scheduler.messaging.BatchPublisher;
import io.audiospective.scheduler.repository.ScheduledUserRepository;

/** What operators can see and do about one user's schedule. */
@ApplicationScoped
public class ScheduleAdminService {

    private final ScheduledUserRepository users;
    private final BatchPublisher publisher;
    private final SchedulerMetrics metrics;
    private final SchedulerConfig config;
    private final Clock clock;

    ScheduleAdminService(
            ScheduledUserRepository users,
            BatchPublisher publisher,
            SchedulerMetrics metrics,
            SchedulerConfig config,
            Clock clock) {
        this.users = users;
        this.publisher = publisher;
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
    }

    /** The user's schedule; a deleted member (known only by their tombstone) has none left. */
    @Transactional
    public ScheduleState state(String userId) {
        Instant deletedAt = users.deletedAt(userId);
        if (deletedAt != null) {
            return new ScheduleState(
                    userId,
                    ScheduleStatus.DELETED,
                    deletedAt,
                    config.pollingPeriod().toString(),
                    null,
                    null,
                    null,
                    null,
                    0,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null);
        }
        return view(find(userId), clock.instant());
    }

    /** Publishes a one-user MANUAL batch now, whatever the backoff says. */
    @Transactional
    public ArchiveBatch pollNow(String userId) {
        if (users.deletedAt(userId) != null) {
            throw new UserNotPollableException("User '" + userId + "' is deleted and is never polled again");
        }
        ScheduledUser user = find(userId);
        if (user.status == ScheduleStatus.NEEDS_REAUTH) {
            throw new UserNotPollableException(
                    "User '" + userId + "' must re-authorise with Spotify before they can be polled");
        }
        Instant now = clock.instant();
        // the batch id names no member: it lives on in the workers' idempotency keys and in logs
        ArchiveBatch batch = ArchiveBatch.of("manual:" + UUID.randomUUID(), now, BatchReason.MANUAL, List.of(userId));
        publisher.publish(List.of(batch), config.publishTimeout());
        users.markPublished(batch.userIds(), batch.batchId(), batch.reason().name(), now, now);
        metrics.published(BatchReason.MANUAL, 1, 1);
        return batch;
    }

    private ScheduledUser find(String userId) {
        ScheduledUser user = users.findById(userId);
        if (user == null) {
            throw new UserNotFoundException(userId);
        }
        return user;
    }

    ScheduleState view(ScheduledUser user, Instant now) {
        Duration period = config.pollingPeriod();
        Instant nextSlot = Slots.nextSlotAtOrAfter(user.slotKey, now, period);
        Instant nextPoll = null;
        if (user.status == ScheduleStatus.ACTIVE) {
            Instant notBefore = user.backoffUntil != null && user.backoffUntil.isAfter(now) ? user.backoffUntil : now;
            nextPoll = Slots.nextSlotAtOrAfter(user.slotKey, notBefore, period);
            if (user.extraPollAt != null && user.extraPollAt.isBefore(nextPoll)) {
                nextPoll = user.extraPollAt.isBefore(notBefore) ? notBefore : user.extraPollAt;
            }
        }
        return new ScheduleState(
                user.userId,
                user.status,
                user.statusSince,
                period.toString(),
                Duration.ofMillis(Slots.offsetMillis(user.slotKey, period)).toString(),
                nextSlot,
                nextPoll,
                user.failureKind,
                user.consecutiveFailures,
                user.backoffUntil,
                user.lastFailureDetail,
                user.lastOutcomeAt,
                user.extraPollAt,
                user.extraPollReason,
                user.lastPublishedAt,
                user.lastPublishedReason,
                user.lastBatchId);
    }
}
