package io.audiospective.api.messaging;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.api.service.UserService;
import io.audiospective.model.codec.UserEventDeserializer;
import io.audiospective.support.messaging.ConsumerPolicy;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;

/**
 * Member lifecycle from {@code users}: profile and archive state, time zone, and DELETED purging the member's
 * read model. Settled by {@link ConsumerPolicy}: held through outages, never dead-lettered because of one.
 */
@ApplicationScoped
public class UsersConsumer {

    private final UserEventDeserializer decoder = new UserEventDeserializer();
    private final UserService users;
    private final ConsumerPolicy policy;

    UsersConsumer(UserService users, ConsumerPolicy policy) {
        this.users = users;
        this.policy = policy;
    }

    @Incoming(Channels.USERS)
    @Blocking
    public CompletionStage<Void> consume(KafkaRecord<String, byte[]> record) {
        // each attempt in a transaction of its own, never one a failed attempt left behind
        return policy.consume(
                record, decoder, event -> QuarkusTransaction.requiringNew().run(() -> users.apply(event)));
    }
}
