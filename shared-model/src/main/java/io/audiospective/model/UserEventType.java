package io.audiospective.model;

/** Lifecycle of an Audiospective member. */
public enum UserEventType {
    REGISTERED,
    REAUTHORIZED,
    NEEDS_REAUTH,
    TIME_ZONE_CHANGED,
    DELETED
}
