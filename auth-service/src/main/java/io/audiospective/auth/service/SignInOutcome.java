package io.audiospective.auth.service;

/** What a completed Spotify sign-in led to. */
public enum SignInOutcome {
    /** A new founding member took a seat. */
    JOINED,
    /** An existing member signed in again (and re-authorised if they had to). */
    RETURNED,
    /** No seat was free: the visitor is not a member. */
    WAITLISTED
}
