package io.audiospective.archive.messaging;

import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.archive.service.ArchiveWriter;
import io.audiospective.model.UserEvent;
import io.audiospective.model.UserEventType;
import io.audiospective.model.codec.MessageFormatException;
import io.audiospective.support.messaging.ConsumerRetry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.reactive.messaging.annotations.Blocking;

/** A deleted member's plays, cursor and unpublished plays are purged. */
@ApplicationScoped
public class UserEventsConsumer {

    private final ArchiveWriter writer;

    UserEventsConsumer(ArchiveWriter writer) {
        this.writer = writer;
    }

    @Incoming(Channels.USERS)
    @Retry(maxRetries = -1, delay = ConsumerRetry.DELAY_MILLIS, jitter = ConsumerRetry.JITTER_MILLIS,
            maxDuration = ConsumerRetry.MAX_MINUTES, durationUnit = ChronoUnit.MINUTES,
            abortOn = {IllegalArgumentException.class, MessageFormatException.class})
    @ExponentialBackoff(maxDelay = ConsumerRetry.MAX_DELAY_SECONDS, maxDelayUnit = ChronoUnit.SECONDS)
    @Blocking
    public void consume(UserEvent event) {
        if (event.type() == UserEventType.DELETED) {
            // each attempt in a transaction of its own, never one a failed attempt left behind
            QuarkusTransaction.requiringNew().run(() -> writer.purge(event.userId()));
        }
    }
}
