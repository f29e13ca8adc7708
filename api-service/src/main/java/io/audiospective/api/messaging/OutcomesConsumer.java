package io.audiospective.api.messaging;

import java.util.List;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.api.service.UserService;
import io.audiospective.model.ArchiveOutcome;
import io.audiospective.model.codec.ArchiveOutcomeDeserializer;
import io.audiospective.support.messaging.ConsumerPolicy;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * Poll outcomes from {@code archive.outcomes}: last successful poll per member, hourly counts for admins. A polled batch
 * of outcomes per transaction: every poll of every member ends in an outcome, and one transaction each (with its
 * commit and its update of the hour's shared counter) cost PostgreSQL more per poll than most of the poll's own
 * writes. Settled by {@link ConsumerPolicy}: an outcome that cannot be applied goes to {@code archive.outcomes.dlq}
 * alone while the rest of its batch is applied, an outage is waited out.
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
    public CompletionStage<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        return policy.settle(batch, decoder, this::apply);
    }

    private void apply(List<ArchiveOutcome> outcomes) {
        // each attempt in a transaction of its own, never one a failed attempt left behind
        QuarkusTransaction.requiringNew().run(() -> users.apply(outcomes));
    }
}
