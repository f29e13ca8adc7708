package io.audiospective.archive.messaging;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

import io.audiospective.model.ArchiveOutcome;
import io.audiospective.support.messaging.KeyedSender;

/** Tells the scheduler how each user's poll went, keyed by user. */
@ApplicationScoped
public class OutcomePublisher {

    private final Emitter<ArchiveOutcome> emitter;

    OutcomePublisher(@Channel(Channels.ARCHIVE_OUTCOMES) Emitter<ArchiveOutcome> emitter) {
        this.emitter = emitter;
    }

    /** Completes when the broker has the outcome. */
    public CompletionStage<Void> publish(ArchiveOutcome outcome) {
        return KeyedSender.send(emitter, outcome.userId(), outcome);
    }
}
