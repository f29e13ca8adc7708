package io.audiospective.model;

/** Why the scheduler published a batch. */
public enum BatchReason {
    /** The users' regular slot in the hour. */
    SCHEDULED,
    /** Extra poll for users whose last poll was full or who are actively listening. */
    HEAVY_LISTENER,
    /** Slots missed while no scheduler was publishing. */
    CATCH_UP,
    /** An operator asked for it. */
    MANUAL
}
