package io.audiospective.archive.imports;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

import io.audiospective.archive.messaging.Channels;
import io.audiospective.model.ImportProgress;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Publishes an import's totals after they were committed. A report lost in a crash is superseded by the next one,
 * which carries the totals again.
 */
@ApplicationScoped
public class ImportProgressPublisher {

    private final Emitter<ImportProgress> emitter;

    ImportProgressPublisher(@Channel(Channels.IMPORTS_PROGRESS) Emitter<ImportProgress> emitter) {
        this.emitter = emitter;
    }

    public void publish(List<ImportProgress> reports) {
        reports.forEach(this::publish);
    }

    public void publish(ImportProgress progress) {
        if (progress == null) {
            return;
        }
        emitter.send(Message.of(progress)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(progress.userId())
                        .build()));
    }
}
