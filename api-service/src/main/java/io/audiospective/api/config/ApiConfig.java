package io.audiospective.api.config;

import java.time.Duration;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of api-service. */
@ConfigMapping(prefix = "audiospective.api")
public interface ApiConfig {

    /** Time zone of a user who has not chosen one. */
    @WithDefault("UTC")
    String defaultTimeZone();

    /** Two plays at most this far apart belong to the same listening session. */
    @WithDefault("30m")
    Duration sessionGap();

    /** Spotify refresh tokens expire this many months after the user authorised: users reconnect before. */
    @WithDefault("6")
    int reconnectAfterMonths();

    /** Page size of lists when the client asks for none. */
    @WithDefault("50")
    int defaultPageSize();

    /** Largest page a client may ask for. */
    @WithDefault("500")
    int maxPageSize();

    /**
     * Origins the dashboard may load album covers from (its Content-Security-Policy's {@code img-src}, besides its
     * own): Spotify's image CDN, and the Spotify emulator's address in a local run.
     */
    @WithDefault("https://i.scdn.co")
    java.util.List<String> dashboardImageOrigins();

    /** How long clients and shared caches may reuse a statistics answer. */
    @WithDefault("30s")
    Duration statsMaxAge();

    /** The shared cache of statistics answers in Redis ({@code audiospective.api.stats-cache.*}). */
    StatsCache statsCache();

    /** How long the tables of a replaced read-model generation stay before they are dropped. */
    @WithDefault("10s")
    Duration dropReplacedAfter();

    /** How replicas share replays ({@code audiospective.api.replay.*}). */
    Replay replay();

    /**
     * One replica builds a replay at a time, holding a lease in the database that every applied batch renews; every
     * replica checks the replay every {@code check-interval} and takes over one whose lease ran out.
     */
    interface Replay {

        /**
         * How often every replica looks for a replay to take over and for replaced tables to drop. Also read by the
         * schedule itself as {@code audiospective.api.replay.check-interval}, with the same default.
         */
        @WithDefault("PT5S")
        Duration checkInterval();

        /**
         * A builder that renewed its lease longer ago than this is taken for dead; another replica resumes its
         * generation. Longer than the slowest batch a live builder applies, or the replay changes hands needlessly.
         */
        @WithDefault("PT30S")
        Duration lease();

        /**
         * Records per batch (one transaction and one committed offset each). Large: while the replay loads plays in
         * bulk a batch costs one insert whatever its size.
         */
        @WithDefault("5000")
        int batchSize();

        /**
         * How many database connections the rollup build uses at once: its parts are independent grouped scans, so
         * up to the database's cores shorten it.
         */
        @WithDefault("2")
        int buildParallelism();
    }

    /**
     * The largest request body of every route but the import upload (which takes up to
     * {@code quarkus.http.limits.max-body-size}): JSON bodies are a few hundred bytes, and RESTEasy holds them in
     * memory.
     */
    @WithDefault("64K")
    MemorySize maxBodySize();

    /** Limits of imports of Spotify history files ({@code audiospective.api.imports.*}). */
    Imports imports();

    /** API tokens this process verified already ({@code audiospective.api.verified-tokens.*}). */
    VerifiedTokens verifiedTokens();

    /**
     * A token whose signature and claims this process verified is admitted again, byte for byte the same, without
     * verifying it again until it expires or for this long at most; revocations are checked on every request.
     */
    interface VerifiedTokens {

        /** At most this long: bounds how long a token signed with a key the issuer has since withdrawn stays admitted. */
        @WithDefault("5m")
        Duration ttl();

        /** Tokens kept (about 2 KB each with their identity). */
        @WithDefault("10000")
        long maxSize();
    }

    /** How often a member may change their time zone ({@code audiospective.api.time-zone-changes.*}). */
    TimeZoneChanges timeZoneChanges();

    /**
     * Each change of zone rebuilds all of the member's day rollups in one transaction that holds their lock (the
     * fold of a batch with their plays waits for it): a member gets this many changes per window, then 429.
     */
    interface TimeZoneChanges {

        @WithDefault("3")
        int perWindow();

        @WithDefault("PT1H")
        Duration window();
    }

    /**
     * Statistics answers kept in Redis with the member's read-model version they were computed for, so every replica
     * answers a repeated read with one lookup; a new play gives the member a new version, and an answer of an older
     * one is never served (nothing is invalidated).
     */
    interface StatsCache {

        /** Off: every answer is computed. */
        @WithDefault("true")
        boolean enabled();

        /** How long an answer is kept: bounds the memory taken by answers of versions nobody asks for any more. */
        @WithDefault("10m")
        Duration ttl();

        /** The longest a read waits for Redis before the answer is computed instead. */
        @WithDefault("100ms")
        Duration timeout();

        /** After a failed or slow lookup Redis is left alone this long, so an outage does not cost every request. */
        @WithDefault("5s")
        Duration pauseAfterFailure();

        /**
         * Memory for answers kept in this process too, under the member's version, so a kept answer is never stale,
         * and a repeated read costs no Redis round trip.
         */
        @WithDefault("64M")
        MemorySize localSize();

        /**
         * How long this process trusts a member's read-model version (and zone and generation) as it last read them:
         * a change committed by this process is seen at once, one committed by another replica within this time.
         */
        @WithDefault("1s")
        Duration memberStateTtl();
    }

    /** Each limit refuses the whole upload with a problem before anything is sent to the worker. */
    interface Imports {

        /**
         * Bytes one upload may hold once decompressed: a plain JSON file's size, every file of a zip (read or
         * not) as inflated. Counted while reading, so a zip bomb stops at the limit (413).
         */
        @WithDefault("2G")
        MemorySize maxDecompressedSize();

        /** Entries (plays, podcasts, skipped ones alike) one upload may hold (413). */
        @WithDefault("3000000")
        long maxEntries();

        /**
         * Distinct tracks of one upload's plays that the catalogue does not know yet (the worker fetches each
         * one's details from Spotify, at low priority) (422).
         */
        @WithDefault("100000")
        long maxUnknownTracks();

        /** Imports of one member that may be SENDING or IMPORTING at the same time (429). */
        @WithDefault("2")
        int maxRunningPerMember();

        /**
         * A job still SENDING this long after its upload was checked was left by a replica that stopped while
         * sending (sending 200,000 entries takes seconds): it is failed, and no longer counts as running.
         */
        @WithDefault("PT10M")
        Duration abandonedSendingAfter();
    }
}
