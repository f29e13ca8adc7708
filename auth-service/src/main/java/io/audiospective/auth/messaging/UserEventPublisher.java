package io.audiospective.auth.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

import io.audiospective.model.UserEvent;
import io.audiospective.support.BeforeSchemaMigrated;
import io.audiospective.support.messaging.EventOutbox;
import io.audiospective.support.sql.Db;
import io.quarkus.scheduler.Scheduled;

/**
 * Relays committed member lifecycle events from the outbox ({@code user_events_outbox}, written by
 * {@link io.audiospective.auth.repository.UserEventOutbox}) to {@code users}, keyed by user so each member's events
 * stay in order (see {@link EventOutbox}; consumers ignore an event whose sequence they applied already).
 */
@ApplicationScoped
public class UserEventPublisher {

    /** Only one relay publishes at a time, so rows go out in id order across replicas. */
    private static final long RELAY_LOCK = 0x75736572L;

    private final EventOutbox<UserEvent> outbox;

    UserEventPublisher(@Channel(Channels.USERS) Emitter<UserEvent> emitter, Db db) {
        this.outbox = new EventOutbox<>(db, "user_events_outbox", RELAY_LOCK, emitter, UserEvent.class);
    }

    @Scheduled(
            every = "${audiospective.auth.outbox.interval:PT0.2S}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = BeforeSchemaMigrated.class)
    void relay() {
        outbox.relay();
    }
}
