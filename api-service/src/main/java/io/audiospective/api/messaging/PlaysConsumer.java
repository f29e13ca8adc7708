package io.audiospective.api.messaging;

import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.api.service.ReadModelService;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.codec.MessageFormatException;
import io.audiospective.support.messaging.ConsumerRetry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * Folds the {@code plays} topic into the read model. Delivery is at least once and replays re-read everything,
 * so the write is idempotent on (user, played_at) and rollups only move for a play that was new. Failures are
 * not swallowed: a brief outage is retried in place, anything else goes to {@code plays.dlq} with the reason.
 */
@ApplicationScoped
public class PlaysConsumer {

    private final ReadModelService readModel;

    PlaysConsumer(ReadModelService readModel) {
        this.readModel = readModel;
    }

    @Incoming(Channels.PLAYS)
    @Retry(maxRetries = -1, delay = ConsumerRetry.DELAY_MILLIS, jitter = ConsumerRetry.JITTER_MILLIS,
            maxDuration = ConsumerRetry.MAX_MINUTES, durationUnit = ChronoUnit.MINUTES,
            abortOn = {IllegalArgumentException.class, MessageFormatException.class})
    @ExponentialBackoff(maxDelay = ConsumerRetry.MAX_DELAY_SECONDS, maxDelayUnit = ChronoUnit.SECONDS)
    @Blocking
    public void consume(PlayEvent play) {
        // each attempt in a transaction of its own, never one a failed attempt left behind
        QuarkusTransaction.requiringNew().call(() -> readModel.applyLive(play));
    }
}
