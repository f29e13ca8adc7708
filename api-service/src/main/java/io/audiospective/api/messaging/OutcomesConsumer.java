package io.audiospective.api.messaging;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.api.service.UserService;
import io.audiospective.model.codec.ArchiveOutcomeDeserializer;
import io.audiospective.support.messaging.ConsumerPolicy;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;

/**
 * Poll outcomes from {@code archive.outcomes}: last successful poll per member, hourly counts for admins. Settled by
 * {@link ConsumerPolicy}.
 */
@ApplicationScoped
public class OutcomesConsumer {

    private final ArchiveOutcomeDeserializer decoder = new ArchiveOutcomeDeserializer();
    private final UserService users;
    private final ConsumerPolicy policy;

    OutcomesConsumer(UserService users, ConsumerPolicy policy) {
        this.users = users;
        this.policy = policy;
    }

    @Incoming(Channels.OUTCOMES)
    @Blocking
    public CompletionStage<Void> consume(KafkaRecord<String, byte[]> record) {
        // each attempt in a transaction of its own, never one a failed attempt left behind
        return policy.consume(
                record, decoder, outcome -> QuarkusTransaction.requiringNew().run(() -> users.apply(outcome)));
    }
}
