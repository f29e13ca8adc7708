package io.audiospective.scheduler.messaging;

import java.time.temporal.ChronoUnit;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.Retry;

import io.audiospective.model.ArchiveOutcome;
import io.audiospective.scheduler.service.OutcomeService;
import io.audiospective.support.messaging.ConsumerRetry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.faulttolerance.api.ExponentialBackoff;

/** Applies consumed outcomes with the consumers' retry policy, each attempt in a new transaction. */
@ApplicationScoped
class OutcomesApplier {

    private final OutcomeService outcomes;

    OutcomesApplier(OutcomeService outcomes) {
        this.outcomes = outcomes;
    }

    @Retry(maxRetries = -1, delay = ConsumerRetry.DELAY_MILLIS, jitter = ConsumerRetry.JITTER_MILLIS,
            maxDuration = ConsumerRetry.MAX_MINUTES, durationUnit = ChronoUnit.MINUTES,
            abortOn = IllegalArgumentException.class)
    @ExponentialBackoff(maxDelay = ConsumerRetry.MAX_DELAY_SECONDS, maxDelayUnit = ChronoUnit.SECONDS)
    void apply(List<ArchiveOutcome> batch) {
        if (!batch.isEmpty()) {
            QuarkusTransaction.requiringNew().run(() -> outcomes.apply(batch));
        }
    }

    /** One outcome, one attempt: isolates the outcome of a batch that fails on its own. */
    void applyOnce(ArchiveOutcome outcome) {
        QuarkusTransaction.requiringNew().run(() -> outcomes.apply(List.of(outcome)));
    }
}
