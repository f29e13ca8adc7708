package io.audiospective.scheduler;

import io.audiospective.model.UserEventType;

/** Whether a user is polled at all. */
public enum ScheduleStatus {
    ACTIVE,
    /** Not polled until the user re-authorises. */
    NEEDS_REAUTH,
    /** Never polled again. */
    DELETED;

    /** The status a lifecycle event moves a user to, or null when the event does not concern polling. */
    public static ScheduleStatus after(UserEventType event) {
        return switch (event) {
            case REGISTERED, REAUTHORIZED -> ACTIVE;
            case NEEDS_REAUTH -> NEEDS_REAUTH;
            case DELETED -> DELETED;
            case TIME_ZONE_CHANGED -> null;
        };
    }
}
