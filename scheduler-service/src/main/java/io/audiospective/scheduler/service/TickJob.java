package io.audiospective.scheduler.service;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.audiospective.scheduler.TickReport;
import io.audiospective.scheduler.config.SchedulerConfig;
import io.audiospective.support.BeforeSchemaMigrated;
import io.quarkus.scheduler.Scheduled;

/** Runs this replica's tick every {@code audiospective.scheduler.tick-interval}. */
@ApplicationScoped
public class TickJob {

    private static final Logger LOG = Logger.getLogger(TickJob.class);

    private final TickService ticks;
    private final SchedulerConfig config;
    private final Clock clock;

    TickJob(TickService ticks, SchedulerConfig config, Clock clock) {
        this.ticks = ticks;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(
            identity = "scheduler-tick",
            every = "${audiospective.scheduler.tick-interval:PT5S}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = BeforeSchemaMigrated.class)
    void tick() {
        if (!config.tickEnabled()) {
            return;
        }
        try {
            TickReport report = ticks.tick(ticks.localInstance(), clock.instant());
            if (report.status() == TickReport.Status.WINDOW_LIMIT) {
                LOG.infof(
                        "Catching up: published %d windows, up to %s",
                        report.windows().size(),
                        report.windows().get(report.windows().size() - 1).end());
            }
        } catch (RuntimeException e) {
            // One line per failed tick; the window is retried by the next tick (of this or another replica).
            LOG.warnf("Tick failed, retrying next tick: %s", rootMessage(e));
        }
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return error == root ? error.toString() : error.getMessage() + " (" + root + ")";
    }
}
