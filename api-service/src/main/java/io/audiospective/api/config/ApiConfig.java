package io.audiospective.api.config;

import java.time.Duration;

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

    /** How long clients and shared caches may reuse a statistics answer. */
    @WithDefault("30s")
    Duration statsMaxAge();

    /** How long the tables of a replaced read-model generation stay before they are dropped. */
    @WithDefault("10s")
    Duration dropReplacedAfter();
}
