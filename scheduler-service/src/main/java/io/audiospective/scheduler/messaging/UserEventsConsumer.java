package io.audiospective.scheduler.messaging;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.model.codec.UserEventDeserializer;
import io.audiospective.scheduler.ScheduleStatus;
import io.audiospective.scheduler.repository.ScheduledUserRepository;
import io.audiospective.support.messaging.ConsumerPolicy;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;

/**
 * Keeps the set of pollable users in step with the member lifecycle published by auth-service. Settled by
 * {@link ConsumerPolicy}: held through outages, so a member registered during one is scheduled once it ends.
 */
@ApplicationScoped
public class UserEventsConsumer {

    private final UserEventDeserializer decoder = new UserEventDeserializer();
    private final ScheduledUserRepository users;
    private final ConsumerPolicy policy;

    UserEventsConsumer(ScheduledUserRepository users, ConsumerPolicy policy) {
        this.users = users;
        this.policy = policy;
    }

    @Incoming(Channels.USERS)
    @Blocking
    public CompletionStage<Void> consume(KafkaRecord<String, byte[]> record) {
        return policy.consume(record, decoder, event -> {
            ScheduleStatus status = ScheduleStatus.after(event.type());
            if (status != null) {
                // a transaction per attempt: a retry must not run inside one that already failed
                QuarkusTransaction.requiringNew()
                        .run(() -> users.applyStatus(event.userId(), status, event.occurredAt(), event.sequence()));
            }
        });
    }
}
