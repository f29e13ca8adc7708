package io.audiospective.support;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/**
 * Applies the service's Flyway migrations at start-up. Unlike Quarkus' migrate-at-start, an unreachable
 * PostgreSQL does not stop the service: it starts, reports DOWN on readiness with the reason, logs one line per
 * attempt and keeps retrying until the migrations are applied.
 */
@ApplicationScoped
@Readiness
public class SchemaMigration implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(SchemaMigration.class);
    private static final String CHECK_NAME = "database-schema";

    private final Flyway flyway;
    private final Duration retryInterval;
    private final AtomicReference<String> failure = new AtomicReference<>("not migrated yet");
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "schema-migration");
        thread.setDaemon(true);
        return thread;
    });

    @Inject
    public SchemaMigration(
            Flyway flyway,
            @ConfigProperty(name = "audiospective.schema-migration.retry-interval", defaultValue = "5s")
                    Duration retryInterval) {
        this.flyway = flyway;
        this.retryInterval = retryInterval;
    }

    void onStart(@Observes StartupEvent event) {
        // The first attempt runs before the service takes traffic, so a healthy start serves a migrated schema.
        if (!migrate()) {
            retries.schedule(this::retryUntilMigrated, retryInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    public boolean isMigrated() {
        return failure.get() == null;
    }

    private void retryUntilMigrated() {
        if (!migrate()) {
            retries.schedule(this::retryUntilMigrated, retryInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private boolean migrate() {
        try {
            int applied = flyway.migrate().migrationsExecuted;
            failure.set(null);
            LOG.infof(
                    "Database schema %s is up to date (%d migrations applied now)",
                    String.join(",", flyway.getConfiguration().getSchemas()), applied);
            return true;
        } catch (RuntimeException e) {
            String reason = rootMessage(e);
            failure.set(reason);
            LOG.warnf("Database schema migration failed, retrying in %ss: %s", retryInterval.toSeconds(), reason);
            return false;
        }
    }

    @Override
    public HealthCheckResponse call() {
        String reason = failure.get();
        return reason == null
                ? HealthCheckResponse.up(CHECK_NAME)
                : HealthCheckResponse.named(CHECK_NAME)
                        .down()
                        .withData("reason", reason)
                        .build();
    }

    @PreDestroy
    void stopRetrying() {
        retries.shutdownNow();
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
