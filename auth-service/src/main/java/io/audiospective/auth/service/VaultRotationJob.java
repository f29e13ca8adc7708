package io.audiospective.auth.service;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.audiospective.support.BeforeSchemaMigrated;
import io.quarkus.scheduler.Scheduled;

/** Re-seals stored values under the active vault key, a batch per transaction, until none is left. */
@ApplicationScoped
public class VaultRotationJob {

    private static final Logger LOG = Logger.getLogger(VaultRotationJob.class);
    private static final int BATCH = 200;

    private final VaultRotation rotation;

    VaultRotationJob(VaultRotation rotation) {
        this.rotation = rotation;
    }

    @Scheduled(
            every = "${audiospective.auth.vault-rotation-interval:10m}",
            delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = BeforeSchemaMigrated.class)
    void reseal() {
        long total = 0;
        int batch;
        do {
            batch = rotation.resealBatch(BATCH);
            total += batch;
        } while (batch == BATCH);
        if (total > 0) {
            VaultRotation.Usage usage = rotation.countNow();
            LOG.infof(
                    "Re-sealed %d members' Spotify tokens with the active vault key; values per key id now: %s",
                    total, usage.valuesPerKey());
        }
    }
}
