package io.audiospective.auth.messaging;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

import io.audiospective.model.UserEvent;
import io.audiospective.support.messaging.KeyedSender;

/** Publishes member lifecycle events keyed by user, so each member's events stay in order. */
@ApplicationScoped
public class UserEventPublisher {

    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);

    private final Emitter<UserEvent> emitter;

    UserEventPublisher(@Channel(Channels.USERS) Emitter<UserEvent> emitter) {
        this.emitter = emitter;
    }

    /** Completes when the broker has the event. */
    public CompletionStage<Void> publish(UserEvent event) {
        return KeyedSender.send(emitter, event.userId(), event);
    }

    /**
     * Publishes and waits for the broker, so a caller's transaction commits only once the event is out: a
     * member change that other services must hear about is never committed silently.
     */
    public void publishAndWait(UserEvent event) {
        try {
            publish(event).toCompletableFuture().get(PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not publish " + event.type() + " for a user to Kafka",
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not acknowledge " + event.type() + " within "
                    + PUBLISH_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing " + event.type());
        }
    }
}
