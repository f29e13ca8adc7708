package io.audiospective.api.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

import io.audiospective.model.ImportOutcome;
import io.audiospective.support.BeforeSchemaMigrated;
import io.audiospective.support.messaging.EventOutbox;
import io.audiospective.support.sql.Db;
import io.quarkus.scheduler.Scheduled;

/**
 * The ends of import jobs, on {@code imports.outcomes}: written to the outbox ({@code import_outcomes_outbox}) in the
 * transaction that ends the job, relayed to Kafka after it committed, keyed by user (see {@link EventOutbox}).
 */
@ApplicationScoped
public class ImportOutcomePublisher {

    /** Only one relay publishes at a time, so rows go out in id order across replicas: "IMOU". */
    private static final long RELAY_LOCK = 0x494D4F55L;

    private final EventOutbox<ImportOutcome> outbox;

    ImportOutcomePublisher(@Channel(Channels.IMPORT_OUTCOMES) Emitter<ImportOutcome> emitter, Db db) {
        this.outbox = new EventOutbox<>(db, "import_outcomes_outbox", RELAY_LOCK, emitter, ImportOutcome.class);
    }

    /** In the transaction that ended the job: its outcome, published once that transaction committed. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void append(ImportOutcome outcome) {
        outbox.append(outcome.userId(), outcome, outcome.finishedAt());
    }

    @Scheduled(
            every = "${audiospective.api.outbox.interval:PT0.2S}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = BeforeSchemaMigrated.class)
    void relay() {
        outbox.relay();
    }
}
