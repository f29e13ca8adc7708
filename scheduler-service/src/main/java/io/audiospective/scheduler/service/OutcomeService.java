package io.audiospective.scheduler.service;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.audiospective.model.ArchiveOutcome;
import io.audiospective.model.FailureKind;
import io.audiospective.scheduler.BackoffPolicy;
import io.audiospective.scheduler.ExtraPollReason;
import io.audiospective.scheduler.ScheduledUser;
import io.audiospective.scheduler.config.SchedulerConfig;
import io.audiospective.scheduler.repository.ScheduledUserRepository;

/** Turns a poll outcome into the user's backoff (after a failure) or extra poll (heavy listener). */
@ApplicationScoped
public class OutcomeService {

    private static final Logger LOG = Logger.getLogger(OutcomeService.class);
    private static final int MAX_DETAIL = 500;

    private final ScheduledUserRepository users;
    private final SchedulerMetrics metrics;
    private final BackoffPolicy backoff;
    private final Duration heavyListenerInterval;

    OutcomeService(ScheduledUserRepository users, SchedulerMetrics metrics, SchedulerConfig config) {
        this.users = users;
        this.metrics = metrics;
        this.backoff = policy(config);
        this.heavyListenerInterval = config.heavyListenerInterval();
    }

    public static BackoffPolicy policy(SchedulerConfig config) {
        SchedulerConfig.Backoff table = config.backoff();
        return new BackoffPolicy(Map.of(
                FailureKind.AUTH,
                new BackoffPolicy.Step(table.auth().base(), table.auth().max()),
                FailureKind.NETWORK,
                new BackoffPolicy.Step(table.network().base(), table.network().max()),
                FailureKind.UNKNOWN,
                new BackoffPolicy.Step(table.unknown().base(), table.unknown().max()),
                FailureKind.RATE_LIMITED,
                new BackoffPolicy.Step(
                        table.rateLimited().base(), table.rateLimited().max())));
    }

    /**
     * Applies outcomes in their order; their users' rows are locked in one statement, in id order so that
     * concurrent appliers cannot deadlock, and written back in one JDBC batch.
     */
    @Transactional
    public void apply(List<ArchiveOutcome> outcomes) {
        Map<String, ScheduledUser> locked =
                users.lockAll(outcomes.stream().map(ArchiveOutcome::userId).toList());
        for (ArchiveOutcome outcome : outcomes) {
            apply(outcome, locked.get(outcome.userId()));
        }
    }

    private void apply(ArchiveOutcome outcome, ScheduledUser user) {
        if (user == null) {
            LOG.debugf("Outcome for unknown user %s ignored", outcome.userId());
            metrics.outcome("unknown-user");
            return;
        }
        if (user.lastOutcomeAt != null && !outcome.completedAt().isAfter(user.lastOutcomeAt)) {
            // A redelivery, or an older poll finishing after a newer one: the newer one already decided.
            metrics.outcome("stale");
            return;
        }
        user.lastOutcomeAt = outcome.completedAt();
        if (outcome.succeeded()) {
            user.failureKind = null;
            user.consecutiveFailures = 0;
            user.backoffUntil = null;
            user.lastFailureDetail = null;
            if (outcome.fullPage() || outcome.gapSuspected() || outcome.currentlyListening()) {
                user.extraPollAt = outcome.completedAt().plus(heavyListenerInterval);
                user.extraPollReason = ExtraPollReason.HEAVY_LISTENER;
                metrics.outcome("heavy-listener");
            } else {
                user.extraPollAt = null;
                user.extraPollReason = null;
                metrics.outcome("success");
            }
            return;
        }
        FailureKind kind = outcome.failureKind();
        int failures = kind == user.failureKind ? user.consecutiveFailures + 1 : 1;
        user.failureKind = kind;
        user.consecutiveFailures = failures;
        user.backoffUntil = outcome.completedAt().plus(backoff.backoff(kind, failures, outcome.retryAfterSeconds()));
        user.lastFailureDetail = outcome.detail() == null || outcome.detail().length() <= MAX_DETAIL
                ? outcome.detail()
                : outcome.detail().substring(0, MAX_DETAIL);
        // Polled again as soon as the backoff ends, not only at the next slot.
        user.extraPollAt = user.backoffUntil;
        user.extraPollReason = ExtraPollReason.RETRY;
        metrics.outcome("failure-" + kind.name().toLowerCase());
    }
}
