package io.audiospective.auth.messaging;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

import io.audiospective.auth.repository.UserEventOutbox;
import io.audiospective.model.UserEvent;
import io.audiospective.model.codec.MessageCodec;
import io.audiospective.support.BeforeSchemaMigrated;
import io.audiospective.support.messaging.Failures;
import io.audiospective.support.messaging.KeyedSender;
import io.quarkus.scheduler.Scheduled;

/**
 * Relays committed member lifecycle events from the outbox to {@code users}, keyed by user so each member's events
 * stay in order; a row is deleted once Kafka acknowledged it (at least once: consumers ignore an event whose sequence
 * they applied already). While Kafka is away the rows wait, in order.
 */
@ApplicationScoped
public class UserEventPublisher {

    private static final Logger LOG = Logger.getLogger(UserEventPublisher.class);
    private static final int BATCH = 200;
    /** Well within the transaction timeout: the rows stay locked while their sends are pending. */
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(20);

    private final Emitter<UserEvent> emitter;
    private final UserEventOutbox outbox;
    private volatile boolean failing;

    UserEventPublisher(@Channel(Channels.USERS) Emitter<UserEvent> emitter, UserEventOutbox outbox) {
        this.emitter = emitter;
        this.outbox = outbox;
    }

    @Scheduled(
            every = "${audiospective.auth.outbox.interval:PT0.2S}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = BeforeSchemaMigrated.class)
    void relay() {
        try {
            while (publishBatch() == BATCH) {
                // a full batch: more may be waiting
            }
            failing = false;
        } catch (RuntimeException e) {
            // the batch rolled back and waits for the next round; said once per outage, not every round
            if (!failing) {
                LOG.warnf("Member lifecycle events wait in the outbox: %s", Failures.describe(e));
            }
            failing = true;
        }
    }

    /** Publishes the oldest waiting events and deletes them; returns how many. */
    @Transactional
    public int publishBatch() {
        List<UserEventOutbox.Pending> pending = outbox.takeOldest(BATCH);
        if (pending.isEmpty()) {
            return 0;
        }
        CompletableFuture.allOf(pending.stream()
                        .map(row -> KeyedSender.send(
                                        emitter, row.userId(), MessageCodec.decode(row.payload(), UserEvent.class))
                                .toCompletableFuture())
                        .toArray(CompletableFuture[]::new))
                .orTimeout(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .join();
        outbox.delete(pending);
        return pending.size();
    }
}
