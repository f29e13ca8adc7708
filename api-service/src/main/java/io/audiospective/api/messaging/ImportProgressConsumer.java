package io.audiospective.api.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.audiospective.api.imports.ImportService;
import io.audiospective.model.ImportProgress;
import io.smallrye.reactive.messaging.annotations.Blocking;

/** The worker's per-import totals from {@code imports.progress}, folded into the job rows. */
@ApplicationScoped
public class ImportProgressConsumer {

    private final ImportService imports;

    ImportProgressConsumer(ImportService imports) {
        this.imports = imports;
    }

    @Incoming(Channels.IMPORTS_PROGRESS)
    @Blocking
    public void consume(ImportProgress progress) {
        imports.apply(progress);
    }
}
