package io.audiospective.auth.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Everything auth-service is configured with. Secrets come from the environment, never from files in git. */
@ConfigMapping(prefix = "audiospective.auth")
public interface AuthConfig {

    /** How many founding members may exist (Spotify development mode allows 5 users per app). */
    @WithDefault("5")
    int memberCap();

    /** Spotify user ids that get the admin role. */
    Optional<Set<String>> adminUserIds();

    /**
     * auth-service's public URL as browsers reach it (the Ingress in Kubernetes). Spotify's redirect URI is this
     * plus {@code /login/spotify}, whatever Host header or scheme a request arrives with.
     */
    String publicUrl();

    /**
     * Cookies carry {@code Secure}: on everywhere browsers reach auth-service over HTTPS, which behind a TLS
     * terminating Ingress the request itself does not show. Off only for plain-HTTP loopback runs.
     */
    @WithDefault("true")
    boolean secureCookies();

    /** Where a signed-in browser is sent, with the API token in the URL fragment. */
    @WithDefault("http://127.0.0.1:8080/")
    String frontendUrl();

    /** Shared credential of the other services for /internal endpoints. */
    String serviceToken();

    Spotify spotify();

    Waitlist waitlist();

    Vault vault();

    ApiToken apiToken();

    interface Spotify {

        /** Spotify's client id of this app; members' refreshes use PKCE and never send a secret. */
        String clientId();

        /**
         * The app's client secret, used only for the app token (client-credentials flow) that catalogue look-ups
         * use instead of a member's token. Without it no app token is issued.
         */
        Optional<String> clientSecret();

        /** How long an access token lives (Spotify: one hour). */
        @WithDefault("PT1H")
        Duration accessTokenLifetime();

        /** Refresh when less than this is left. */
        @WithDefault("PT5M")
        Duration refreshMargin();

        /** Spotify refresh tokens die this long after the user authorised, whatever is done with them. */
        @WithDefault("P182D")
        Duration authorizationLifetime();

        /** From when before that date the user is asked to reconnect. */
        @WithDefault("P14D")
        Duration reconnectWarning();
    }

    /** The waitlist: sign-ups per client address (X-Forwarded-For of a trusted proxy, else the peer), admission claims. */
    interface Waitlist {

        /** Sign-ups one client may make per window; more are answered 429 with Retry-After. */
        @WithDefault("5")
        int maxPerClient();

        @WithDefault("PT10M")
        Duration window();

        /** Redis keys of the counters (deployments sharing a Redis keep apart by it). */
        @WithDefault("auth:waitlist:")
        String keyPrefix();

        /** How long an admitted entry's seat stays reserved for it (its claim link works). */
        @WithDefault("P7D")
        Duration claimValidity();

        /** How often expired claims are released and their seats passed to the next in line. */
        @WithDefault("PT1M")
        Duration claimExpiryInterval();
    }

    interface Vault {

        /** Comma-separated {@code keyId:base64AesKey} pairs; old keys stay to read old values. */
        String keys();

        /** The key new values are encrypted with. */
        String activeKeyId();
    }

    interface ApiToken {

        /** Issuer of API tokens, also the base of the discovery document. */
        @WithDefault("http://127.0.0.1:8081")
        String issuer();

        @WithDefault("PT15M")
        Duration lifetime();

        /**
         * A sign-in's tokens are renewed for this long at most (claim auth_time): after it the member signs in again,
         * so a stolen token cannot be kept alive by renewing it.
         */
        @WithDefault("P7D")
        Duration sessionLifetime();

        /** How often the revocations are written to Redis again from the database (a flushed Redis is whole again). */
        @WithDefault("PT1S")
        Duration revocationsInterval();

        /** Every token names this audience (aud), and every verifier (api-service, scheduler-service) requires it. */
        @WithDefault("audiospective-api")
        String audience();

        /**
         * PKCS#8 PEM RSA private key. Without it a key pair is generated at start, so tokens die on restart and
         * replicas refuse each other's tokens: allowed only where {@link #signingKeyRequired()} is off.
         */
        Optional<String> signingKey();

        /** Refuse to start without {@link #signingKey()}: on in production, off in dev mode and tests. */
        @WithDefault("true")
        boolean signingKeyRequired();
    }

    Outbox outbox();

    interface Outbox {

        /** How often the relay publishes committed member lifecycle events. */
        @WithDefault("PT0.2S")
        Duration interval();
    }

    Mail mail();

    /** The member mails: when they are decided, how the outbox relay sends them, how their links are signed. */
    interface Mail {

        /** Days before the Spotify authorisation runs out on which a reminder is sent (each once). */
        @WithDefault("30,7,1")
        List<Integer> reminderDays();

        /** How often members due a reminder are looked for. */
        @WithDefault("PT15M")
        Duration reminderInterval();

        /**
         * How often the monthly summaries due are looked for: each member who turned them on gets the previous
         * month's once, on the first run after the month ended in their time zone.
         */
        @WithDefault("PT1H")
        Duration summaryInterval();

        /**
         * A monthly summary is decided only this long after its month ended (in the member's zone); later (the service
         * was down, api-service was down all along) that month's summary is skipped rather than sent stale.
         */
        @WithDefault("P3D")
        Duration summarySendWithin();

        /** How often the relay sends due mails from the outbox. */
        @WithDefault("PT5S")
        Duration relayInterval();

        /** Mails one relay round claims (and holds locked while it sends them). */
        @WithDefault("20")
        int batchSize();

        /** Wait after the first failed send; doubled per further failure up to {@link #retryMax()}. */
        @WithDefault("PT30S")
        Duration retryBase();

        @WithDefault("PT15M")
        Duration retryMax();

        /** A send not answered within this counts as failed (and is retried). */
        @WithDefault("PT30S")
        Duration sendTimeout();

        /**
         * Key of the HMAC that signs the links in mails (unsubscribe): MAIL_LINK_KEY, else the OIDC state secret.
         * Changing it makes the links in mails already sent invalid.
         */
        String linkKey();
    }
}
