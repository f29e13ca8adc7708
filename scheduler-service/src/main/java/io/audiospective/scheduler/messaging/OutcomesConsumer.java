package io.audiospective.scheduler.messaging;

import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.model.ArchiveOutcome;
import io.audiospective.model.codec.MessageFormatException;
import io.audiospective.scheduler.service.OutcomeService;
import io.audiospective.support.messaging.ConsumerRetry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.faulttolerance.api.ExponentialBackoff;

/** Feeds each user's poll outcome into their backoff and extra-poll state. */
@ApplicationScoped
public class OutcomesConsumer {

    private final OutcomeService outcomes;

    OutcomesConsumer(OutcomeService outcomes) {
        this.outcomes = outcomes;
    }

    @Incoming(Channels.ARCHIVE_OUTCOMES)
    @Retry(maxRetries = -1, delay = ConsumerRetry.DELAY_MILLIS, jitter = ConsumerRetry.JITTER_MILLIS,
            maxDuration = ConsumerRetry.MAX_MINUTES, durationUnit = ChronoUnit.MINUTES,
            abortOn = {IllegalArgumentException.class, MessageFormatException.class})
    @ExponentialBackoff(maxDelay = ConsumerRetry.MAX_DELAY_SECONDS, maxDelayUnit = ChronoUnit.SECONDS)
    @Blocking
    public void consume(ArchiveOutcome outcome) {
        // each attempt in a transaction of its own, never one a failed attempt left behind
        QuarkusTransaction.requiringNew().run(() -> outcomes.apply(outcome));
    }
}
