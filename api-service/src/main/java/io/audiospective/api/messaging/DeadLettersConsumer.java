package io.audiospective.api.messaging;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.api.service.DeadLetterService;
import io.audiospective.support.messaging.ConsumerPolicy;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;

/**
 * Collects the records every service sets aside on a {@code <topic>.dlq} into {@code dead_letters}, where the admin
 * overview counts them and a re-drive finds them. Settled by {@link ConsumerPolicy} like every consumer.
 */
@ApplicationScoped
public class DeadLettersConsumer {

    private final DeadLetterService deadLetters;
    private final ConsumerPolicy policy;

    DeadLettersConsumer(DeadLetterService deadLetters, ConsumerPolicy policy) {
        this.deadLetters = deadLetters;
        this.policy = policy;
    }

    @Incoming(Channels.DEAD_LETTERS)
    @Blocking
    public CompletionStage<Void> consume(KafkaRecord<String, byte[]> record) {
        // each attempt in a transaction of its own, never one a failed attempt left behind
        return policy.consumeRecord(
                record, letter -> QuarkusTransaction.requiringNew().run(() -> deadLetters.collect(letter)));
    }
}
