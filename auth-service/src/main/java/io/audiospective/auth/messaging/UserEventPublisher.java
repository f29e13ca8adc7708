package io.audiospective.auth.messaging;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

import io.audiospective.model.UserEvent;
import io.audiospective.support.messaging.KeyedSender;

/** Publishes member lifecycle events keyed by user, so each member's events stay in order. */
@ApplicationScoped
public class UserEventPublisher {

    private final Emitter<UserEvent> emitter;

    UserEventPublisher(@Channel(Channels.USERS) Emitter<UserEvent> emitter) {
        this.emitter = emitter;
    }

    /** Completes when the broker has the event. */
    public CompletionStage<Void> publish(UserEvent event) {
        return KeyedSender.send(emitter, event.userId(), event);
    }
}
