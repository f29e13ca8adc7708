package io.audiospective.scheduler.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.audiospective.model.ArchiveBatch;
import io.audiospective.support.messaging.KeyedSender;

/** Writes batches to {@code archive.batches}, keyed by batch id, and waits until Kafka has them all. */
@ApplicationScoped
public class BatchPublisher {

    /** Batches in flight at once; a catch-up of many windows is sent in groups of this size. */
    private static final int IN_FLIGHT = 256;

    @Inject
    @Channel(Channels.ARCHIVE_BATCHES)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024)
    Emitter<ArchiveBatch> emitter;

    /** Returns once the broker acknowledged every batch; throws {@link PublishException} otherwise. */
    public void publish(List<ArchiveBatch> batches, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int from = 0; from < batches.size(); from += IN_FLIGHT) {
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (ArchiveBatch batch : batches.subList(from, Math.min(batches.size(), from + IN_FLIGHT))) {
                sent.add(KeyedSender.send(emitter, batch.batchId(), batch).toCompletableFuture());
            }
            try {
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
                        .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new PublishException(
                        "Kafka did not acknowledge " + batches.size() + " batches within " + timeout.toSeconds() + " s",
                        e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                throw new PublishException(
                        "Kafka refused a batch: " + cause.getClass().getSimpleName() + ": " + cause.getMessage(),
                        cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PublishException("Interrupted while publishing batches", e);
            } catch (RuntimeException e) {
                throw new PublishException("Could not hand batches to Kafka: " + e.getMessage(), e);
            }
        }
    }

    /** The batches may or may not have reached Kafka; the caller must not record them as published. */
    public static class PublishException extends RuntimeException {
        public PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
