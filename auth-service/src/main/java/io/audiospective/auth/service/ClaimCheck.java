package io.audiospective.auth.service;

/** What a waitlist claim link is worth now. */
public enum ClaimCheck {
    /** The seat is reserved for whoever follows it: sign in to take it. */
    OPEN,
    /** Forged, or of no admitted entry. */
    UNKNOWN,
    /** Not used in time: the seat went (or goes) to the next in line. */
    EXPIRED,
    /** Already used to take the seat. */
    USED
}
