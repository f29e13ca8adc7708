package io.audiospective.archive.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Everything archive-worker is configured with. Secrets come from the environment only. */
@ConfigMapping(prefix = "audiospective.archive")
public interface ArchiveConfig {

    /**
     * Polls in flight in this worker, over all its batches. Above the bulkhead on Spotify calls (16, set with
     * {@code io.audiospective.archive.client.SpotifyClient/recentlyPlayed/Bulkhead/value}) the extra polls fail.
     */
    @WithDefault("8")
    int userConcurrency();

    /** How {@code archive.batches} is consumed. */
    Batches batches();

    interface Batches {

        /** The consumer group; KEDA scales the workers on its lag, so its trigger names the same group. */
        String groupId();

        /**
         * Batches processed at once. Their users share the {@link #userConcurrency()} polls, so a few suffice to keep
         * every poll busy while one batch waits for its slowest user.
         */
        @WithDefault("3")
        int concurrency();
    }

    /** The credential sent to auth-service's /internal endpoints. */
    String serviceToken();

    /** A play newer than this means the user is probably still listening. */
    @WithDefault("PT10M")
    Duration listeningWindow();

    Idempotency idempotency();

    Spotify spotify();

    Outbox outbox();

    Republish republish();

    interface Idempotency {

        /** Polls of one user within one window share one idempotency key (the hourly poll: one hour). */
        @WithDefault("PT1H")
        Duration window();

        /** How long an in-progress marker protects a poll; after it, redelivered work retries the user. */
        @WithDefault("PT2M")
        Duration inProgressTtl();

        @WithDefault("PT24H")
        Duration doneTtl();
    }

    interface Spotify {

        /** Requests all workers together may send per rolling 30 s (Spotify limits per app). */
        @WithDefault("600")
        int requestsPerWindow();

        /** Longest Retry-After a poll waits out itself; longer ones end the poll as RATE_LIMITED. */
        @WithDefault("PT15S")
        Duration maxRateLimitWait();

        /** Whether the app may use the batch endpoints ({@code ?ids=}); development-mode apps may not. */
        @WithDefault("false")
        boolean batchEndpoints();
    }

    /** Artists looked up per round of the low-priority artist details job. */
    @WithDefault("20")
    int artistDetailsBatchSize();

    /** How often the artist details job runs a round. */
    @WithDefault("PT30S")
    Duration artistDetailsInterval();

    /** How often imported entries waiting for track metadata are looked up (low priority) and completed. */
    @WithDefault("PT5S")
    Duration importMetadataInterval();

    /** How often cached Spotify tokens of deleted members (and expired ones) are dropped from every replica's cache. */
    @WithDefault("PT10S")
    Duration tokenCacheSweep();

    /** How often unmatched account-data entries are compared with the tracks added to the catalogue since. */
    @WithDefault("PT30S")
    Duration importUnmatchedInterval();

    /**
     * How old an added track must be before it is compared with unmatched entries: more than twice the longest
     * transaction that adds tracks or keeps unmatched entries, so that both are committed by then.
     */
    @WithDefault("PT1M")
    Duration importUnmatchedSettle();

    interface Outbox {

        @WithDefault("500")
        int batchSize();

        /** How often the relay publishes pending plays. */
        @WithDefault("PT1S")
        Duration interval();

        /**
         * The relay vacuums the outbox after publishing this many messages: every row it publishes it deletes, so
         * without a vacuum the table is soon nearly all dead rows, which its every look-up reads through.
         */
        @WithDefault("10000")
        int vacuumEvery();
    }

    /** Republishing archived plays onto a plays topic ({@code POST /admin/republish}). */
    interface Republish {

        /** Plays read, sent and acknowledged per step; the position is saved after each step. */
        @WithDefault("500")
        int batchSize();

        /** At most this many plays per second, so a republish of everyone leaves Kafka and consumers room. */
        @WithDefault("5000")
        int maxPerSecond();

        /** How long a replica owns a job without renewing it (every step renews it); then another resumes it. */
        @WithDefault("PT30S")
        Duration lease();

        /** How often each replica looks for a job to run or resume. */
        @WithDefault("PT2S")
        Duration interval();
    }
}
