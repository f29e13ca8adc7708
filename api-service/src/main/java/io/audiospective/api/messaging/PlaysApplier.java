package io.audiospective.api.messaging;

import java.time.temporal.ChronoUnit;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.Retry;

import io.audiospective.api.service.ReadModelService;
import io.audiospective.model.PlayEvent;
import io.audiospective.support.messaging.ConsumerRetry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.faulttolerance.api.ExponentialBackoff;

/** Applies consumed plays to the read model with the consumers' retry policy, each attempt in a new transaction. */
@ApplicationScoped
class PlaysApplier {

    private final ReadModelService readModel;

    PlaysApplier(ReadModelService readModel) {
        this.readModel = readModel;
    }

    @Retry(maxRetries = -1, delay = ConsumerRetry.DELAY_MILLIS, jitter = ConsumerRetry.JITTER_MILLIS,
            maxDuration = ConsumerRetry.MAX_MINUTES, durationUnit = ChronoUnit.MINUTES,
            abortOn = IllegalArgumentException.class)
    @ExponentialBackoff(maxDelay = ConsumerRetry.MAX_DELAY_SECONDS, maxDelayUnit = ChronoUnit.SECONDS)
    void apply(List<PlayEvent> plays) {
        if (!plays.isEmpty()) {
            QuarkusTransaction.requiringNew().run(() -> readModel.applyLive(plays));
        }
    }

    /** One play, one attempt: isolates the play of a batch that fails on its own. */
    void applyOnce(PlayEvent play) {
        QuarkusTransaction.requiringNew().run(() -> readModel.applyLive(List.of(play)));
    }
}
