package io.audiospective.scheduler.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Everything that shapes when users are polled. */
@ConfigMapping(prefix = "audiospective.scheduler")
public interface SchedulerConfig {

    /** How often every active user is polled. A local run can compress it, e.g. PT2M. */
    @WithDefault("PT1H")
    Duration pollingPeriod();

    /**
     * The unit of publication: users whose slot falls in one window are published together, once the window has
     * ended. The polling period must be a whole number of windows.
     */
    @WithDefault("PT1M")
    Duration windowLength();

    /** How often a replica checks whether a window has ended and is not yet published. */
    @WithDefault("PT5S")
    Duration tickInterval();

    /** Off in tests, which drive the tick with a simulated clock. */
    @WithDefault("true")
    boolean tickEnabled();

    /** Replicas sharing a lane exclude each other; production uses one lane. */
    @WithDefault("main")
    String lane();

    /** This replica's name in the scheduler state (default: HOSTNAME, i.e. the pod name, or a random id). */
    Optional<String> instanceId();

    /** After an outage, at most this many missed windows are published per tick, so the catch-up is spread. */
    @WithDefault("15")
    int maxWindowsPerTick();

    /** Users per {@code archive.batches} message, at most 50. */
    @WithDefault("50")
    int batchSize();

    /** Extra poll after a full page or while the user is listening. */
    @WithDefault("PT10M")
    Duration heavyListenerInterval();

    /** How long a window waits for Kafka to acknowledge its batches before the window is retried. */
    @WithDefault("PT30S")
    Duration publishTimeout();

    Backoff backoff();

    /** Backoff per failure kind: base doubles per consecutive failure of the same kind, up to max. */
    interface Backoff {
        Auth auth();

        Network network();

        Unknown unknown();

        RateLimited rateLimited();
    }

    interface Auth {
        @WithDefault("PT30M")
        Duration base();

        @WithDefault("PT4H")
        Duration max();
    }

    interface Network {
        @WithDefault("PT10M")
        Duration base();

        @WithDefault("PT1H")
        Duration max();
    }

    interface Unknown {
        @WithDefault("PT20M")
        Duration base();

        @WithDefault("PT3H")
        Duration max();
    }

    /** Used only when a 429 carried no Retry-After; otherwise Retry-After is the backoff. */
    interface RateLimited {
        @WithDefault("PT1M")
        Duration base();

        @WithDefault("PT15M")
        Duration max();
    }
}
