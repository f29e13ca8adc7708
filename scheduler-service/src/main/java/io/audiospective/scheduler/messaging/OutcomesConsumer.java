package io.audiospective.scheduler.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.model.ArchiveOutcome;
import io.audiospective.scheduler.service.OutcomeService;
import io.smallrye.common.annotation.Blocking;

/** Feeds each user's poll outcome into their backoff and extra-poll state. */
@ApplicationScoped
public class OutcomesConsumer {

    private final OutcomeService outcomes;

    OutcomesConsumer(OutcomeService outcomes) {
        this.outcomes = outcomes;
    }

    @Incoming(Channels.ARCHIVE_OUTCOMES)
    @Blocking
    public void consume(ArchiveOutcome outcome) {
        outcomes.apply(outcome);
    }
}
