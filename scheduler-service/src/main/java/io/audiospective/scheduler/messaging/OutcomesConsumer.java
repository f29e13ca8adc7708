package io.audiospective.scheduler.messaging;

import java.util.List;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.model.ArchiveOutcome;
import io.audiospective.model.codec.ArchiveOutcomeDeserializer;
import io.audiospective.scheduler.service.OutcomeService;
import io.audiospective.support.messaging.ConsumerPolicy;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * Feeds each user's poll outcome into their backoff and extra-poll state, a polled batch of outcomes per
 * transaction: every poll of every user ends in an outcome, so one transaction per outcome cost more than the
 * polls' own writes. Settled by {@link ConsumerPolicy}: an outcome that cannot be applied goes to
 * {@code archive.outcomes.dlq} alone while the rest of its batch is applied, an outage is waited out.
 */
@ApplicationScoped
public class OutcomesConsumer {

    private final ArchiveOutcomeDeserializer decoder = new ArchiveOutcomeDeserializer();
    private final OutcomeService outcomes;
    private final ConsumerPolicy policy;

    OutcomesConsumer(OutcomeService outcomes, ConsumerPolicy policy) {
        this.outcomes = outcomes;
        this.policy = policy;
    }

    @Incoming(Channels.ARCHIVE_OUTCOMES)
    @Blocking
    public CompletionStage<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        return policy.settle(batch, decoder, this::apply);
    }

    private void apply(List<ArchiveOutcome> batch) {
        // each attempt in a transaction of its own, never one a failed attempt left behind
        QuarkusTransaction.requiringNew().run(() -> outcomes.apply(batch));
    }
}
