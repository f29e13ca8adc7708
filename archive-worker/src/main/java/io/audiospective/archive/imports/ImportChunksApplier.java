package io.audiospective.archive.imports;

import java.time.temporal.ChronoUnit;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.Retry;

import io.audiospective.model.ImportChunk;
import io.audiospective.support.messaging.ConsumerRetry;
import io.smallrye.faulttolerance.api.ExponentialBackoff;

/** Archives consumed chunks with the consumers' retry policy (each attempt its own transaction) and reports them. */
@ApplicationScoped
class ImportChunksApplier {

    private final ImportArchiver archiver;
    private final ImportProgressPublisher progress;

    ImportChunksApplier(ImportArchiver archiver, ImportProgressPublisher progress) {
        this.archiver = archiver;
        this.progress = progress;
    }

    @Retry(maxRetries = -1, delay = ConsumerRetry.DELAY_MILLIS, jitter = ConsumerRetry.JITTER_MILLIS,
            maxDuration = ConsumerRetry.MAX_MINUTES, durationUnit = ChronoUnit.MINUTES,
            abortOn = IllegalArgumentException.class)
    @ExponentialBackoff(maxDelay = ConsumerRetry.MAX_DELAY_SECONDS, maxDelayUnit = ChronoUnit.SECONDS)
    void archive(List<ImportChunk> chunks) {
        if (!chunks.isEmpty()) {
            progress.publish(archiver.archive(chunks));
        }
    }

    /** One chunk, one attempt: isolates the chunk of a batch that fails on its own. */
    void archiveOnce(ImportChunk chunk) {
        progress.publish(archiver.archive(List.of(chunk)));
    }
}
