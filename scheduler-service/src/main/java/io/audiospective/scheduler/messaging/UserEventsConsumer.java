package io.audiospective.scheduler.messaging;

import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.model.UserEvent;
import io.audiospective.model.codec.MessageFormatException;
import io.audiospective.scheduler.ScheduleStatus;
import io.audiospective.scheduler.repository.ScheduledUserRepository;
import io.audiospective.support.messaging.ConsumerRetry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.reactive.messaging.annotations.Blocking;

/** Keeps the set of pollable users in step with the member lifecycle published by auth-service. */
@ApplicationScoped
public class UserEventsConsumer {

    private final ScheduledUserRepository users;

    UserEventsConsumer(ScheduledUserRepository users) {
        this.users = users;
    }

    @Incoming(Channels.USERS)
    @Retry(maxRetries = -1, delay = ConsumerRetry.DELAY_MILLIS, jitter = ConsumerRetry.JITTER_MILLIS,
            maxDuration = ConsumerRetry.MAX_MINUTES, durationUnit = ChronoUnit.MINUTES,
            abortOn = {IllegalArgumentException.class, MessageFormatException.class})
    @ExponentialBackoff(maxDelay = ConsumerRetry.MAX_DELAY_SECONDS, maxDelayUnit = ChronoUnit.SECONDS)
    @Blocking
    public void consume(UserEvent event) {
        ScheduleStatus status = ScheduleStatus.after(event.type());
        if (status != null) {
            // a transaction per attempt: the retry above must not run inside one that already failed
            QuarkusTransaction.requiringNew().run(() -> users.applyStatus(event.userId(), status,
                    event.occurredAt()));
        }
    }
}
