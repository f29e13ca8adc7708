package io.audiospective.model;

/** Why polling a user failed; each kind has its own backoff in the scheduler. */
public enum FailureKind {
    /** The user's Spotify authorisation is unusable (revoked, expired): the user must reconnect. */
    AUTH,
    /** Spotify or a service in between could not be reached or answered 5xx / timed out. */
    NETWORK,
    /** Spotify answered 429; the outcome carries the Retry-After it reported. */
    RATE_LIMITED,
    /** Anything else. */
    UNKNOWN
}
