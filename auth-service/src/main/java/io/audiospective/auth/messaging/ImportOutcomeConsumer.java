package io.audiospective.auth.messaging;

import java.time.Clock;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.auth.service.MemberMails;
import io.audiospective.model.codec.ImportOutcomeDeserializer;
import io.audiospective.support.messaging.ConsumerPolicy;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;

/**
 * api-service's import jobs that ended, from {@code imports.outcomes}: each becomes a mail to the member in the outbox,
 * once per job and result (a redelivered record enqueues nothing). Settled by {@link ConsumerPolicy}: held through
 * outages, a malformed record set aside on {@code imports.outcomes.dlq} with the reason.
 */
@ApplicationScoped
public class ImportOutcomeConsumer {

    private final ImportOutcomeDeserializer decoder = new ImportOutcomeDeserializer();
    private final MemberMails mails;
    private final ConsumerPolicy policy;
    private final Clock clock;

    ImportOutcomeConsumer(MemberMails mails, ConsumerPolicy policy, Clock clock) {
        this.mails = mails;
        this.policy = policy;
        this.clock = clock;
    }

    @Incoming(Channels.IMPORT_OUTCOMES)
    @Blocking
    public CompletionStage<Void> consume(KafkaRecord<String, byte[]> record) {
        // each attempt in a transaction of its own, never one a failed attempt left behind
        return policy.consume(
                record,
                decoder,
                outcome -> QuarkusTransaction.requiringNew()
                        .run(() -> mails.enqueueImportOutcome(outcome, clock.instant())));
    }
}
