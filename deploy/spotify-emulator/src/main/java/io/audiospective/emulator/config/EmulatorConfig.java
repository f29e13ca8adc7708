package io.audiospective.emulator.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Start-up configuration of the emulator. Everything that tests change at run time lives in
 * {@link io.audiospective.emulator.service.Settings} instead, seeded from these values.
 */
@ConfigMapping(prefix = "emulator")
public interface EmulatorConfig {

    /** Seed of the synthetic catalogue and of the default users. */
    @WithDefault("1")
    long seed();

    /** The one registered app. */
    Client client();

    /** Redirect URIs registered for the app. A loopback URI without a port matches any port. */
    @WithDefault("http://127.0.0.1/callback,http://127.0.0.1/auth/callback,http://127.0.0.1/login/oauth2/code/spotify")
    List<String> redirectUris();

    /** Base URL written into hrefs and next links; the request's own base URL when absent. */
    Optional<String> publicBaseUrl();

    Tokens tokens();

    Catalogue catalogue();

    /** Users created at start, e.g. {@code idle:1,typical:3,heavy:1}. */
    @WithDefault("idle:1,typical:3,heavy:1")
    String defaultUsers();

    /** {@code extended} keeps the batch {@code ?ids=} endpoints, {@code development} removes them. */
    @WithDefault("extended")
    String appMode();

    Listening listening();

    /** Requests per client per rolling 30 s window; 0 disables the limit. */
    @WithDefault("0")
    int rateLimitPerWindow();

    interface Client {
        @WithDefault("audiospective-local")
        String id();

        @WithDefault("audiospective-local-secret")
        String secret();
    }

    interface Tokens {
        @WithDefault("PT1H")
        Duration accessTokenLifetime();

        /** Refresh tokens die this long after the user authorised, whatever happens. */
        @WithDefault("P182D")
        Duration refreshTokenLifetime();

        @WithDefault("PT10M")
        Duration authorizationCodeLifetime();
    }

    interface Catalogue {
        @WithDefault("1500")
        int artists();

        /**
         * Share (0..1) of the tracks that Spotify no longer serves, though users played them. Which ones depends
         * on the seed and the track id.
         */
        @WithDefault("0")
        double removedShare();
    }

    interface Listening {
        /** How long after a play ends it shows up in recently-played. */
        @WithDefault("PT30S")
        Duration visibilityLag();

        /** Share of plays (0..1) that arrive late, i.e. after newer plays. */
        @WithDefault("0.05")
        double lateShare();

        /** Upper bound of the extra delay of a late play. */
        @WithDefault("PT2H")
        Duration lateMaxDelay();

        /** How far back recently-played looks for plays (bounds the work of one request). */
        @WithDefault("P21D")
        Duration lookback();

        /**
         * Emulated hours of listening per real hour (a divisor of 3,600,000): at 120 an hour of listening happens in
         * 30 s, so a poll every 30 s finds what an hourly poll finds at 1. Tokens, rate limits and visibility stay in
         * real time.
         */
        @WithDefault("1")
        int timeScale();
    }
}
