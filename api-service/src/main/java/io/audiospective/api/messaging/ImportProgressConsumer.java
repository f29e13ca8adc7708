package io.audiospective.api.messaging;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.api.imports.ImportService;
import io.audiospective.model.codec.ImportProgressDeserializer;
import io.audiospective.support.messaging.ConsumerPolicy;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;

/**
 * The worker's per-import totals from {@code imports.progress}, folded into the job rows (a report older than the
 * job's last one changes nothing). Settled by {@link ConsumerPolicy}.
 */
@ApplicationScoped
public class ImportProgressConsumer {

    private final ImportProgressDeserializer decoder = new ImportProgressDeserializer();
    private final ImportService imports;
    private final ConsumerPolicy policy;

    ImportProgressConsumer(ImportService imports, ConsumerPolicy policy) {
        this.imports = imports;
        this.policy = policy;
    }

    @Incoming(Channels.IMPORTS_PROGRESS)
    @Blocking
    public CompletionStage<Void> consume(KafkaRecord<String, byte[]> record) {
        // each attempt in a transaction of its own, never one a failed attempt left behind
        return policy.consume(
                record, decoder, progress -> QuarkusTransaction.requiringNew().run(() -> imports.apply(progress)));
    }
}
