package io.audiospective.api.messaging;

import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.api.service.UserService;
import io.audiospective.model.ArchiveOutcome;
import io.audiospective.model.codec.MessageFormatException;
import io.audiospective.support.messaging.ConsumerRetry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.reactive.messaging.annotations.Blocking;

/** Poll outcomes from {@code archive.outcomes}: last successful poll per member, hourly counts for admins. */
@ApplicationScoped
public class OutcomesConsumer {

    private final UserService users;

    OutcomesConsumer(UserService users) {
        this.users = users;
    }

    @Incoming(Channels.OUTCOMES)
    @Retry(maxRetries = -1, delay = ConsumerRetry.DELAY_MILLIS, jitter = ConsumerRetry.JITTER_MILLIS,
            maxDuration = ConsumerRetry.MAX_MINUTES, durationUnit = ChronoUnit.MINUTES,
            abortOn = {IllegalArgumentException.class, MessageFormatException.class})
    @ExponentialBackoff(maxDelay = ConsumerRetry.MAX_DELAY_SECONDS, maxDelayUnit = ChronoUnit.SECONDS)
    @Blocking
    public void consume(ArchiveOutcome outcome) {
        // each attempt in a transaction of its own, never one a failed attempt left behind
        QuarkusTransaction.requiringNew().run(() -> users.apply(outcome));
    }
}
