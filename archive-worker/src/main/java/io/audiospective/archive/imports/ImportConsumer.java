package io.audiospective.archive.imports;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.archive.messaging.Channels;
import io.audiospective.model.ImportChunk;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * Takes import chunks from {@code imports}; acknowledged once archived, so a crash means redelivery, which the
 * chunk claim makes harmless. Malformed records go to {@code imports.dlq} with the reason. Chunks never wait for
 * Spotify: entries of unknown tracks are parked and completed by {@link ImportMetadataJob}.
 */
@ApplicationScoped
public class ImportConsumer {

    private final ImportArchiver archiver;
    private final ImportProgressPublisher progress;

    ImportConsumer(ImportArchiver archiver, ImportProgressPublisher progress) {
        this.archiver = archiver;
        this.progress = progress;
    }

    @Incoming(Channels.IMPORTS)
    @Blocking
    public void consume(ImportChunk chunk) {
        progress.publish(archiver.archive(chunk));
    }
}
