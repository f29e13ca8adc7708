package io.audiospective.support;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.Readiness;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;

/**
 * Skips a scheduled job's runs until the application has started and its schema migrations are applied: the
 * scheduler starts its triggers during start-up, and a job reading tables of a migration not applied yet fails with
 * "relation/column does not exist" on every fresh start (and whenever PostgreSQL was down at start).
 * Use: {@code @Scheduled(..., skipExecutionIf = BeforeSchemaMigrated.class)}.
 */
@Singleton
public class BeforeSchemaMigrated implements Scheduled.SkipPredicate {

    private final SchemaMigration migration;
    private final Scheduled.ApplicationNotRunning notRunning;

    BeforeSchemaMigrated(@Readiness SchemaMigration migration, Scheduled.ApplicationNotRunning notRunning) {
        this.migration = migration;
        this.notRunning = notRunning;
    }

    @Override
    public boolean test(ScheduledExecution execution) {
        return notRunning.test(execution) || !migration.isMigrated();
    }
}
