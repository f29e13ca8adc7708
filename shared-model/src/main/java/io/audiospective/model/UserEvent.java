package io.audiospective.model;

import java.time.Instant;

/**
 * Topic {@value Topics#USERS}, key {@code userId}: a member's lifecycle.
 *
 * @param userId the member's Spotify user id
 * @param timeZone IANA zone id, when known
 */
public record UserEvent(int schemaVersion, String userId, UserEventType type, Instant occurredAt,
        String displayName, String timeZone) {

    public static final int CURRENT_VERSION = 1;

    public UserEvent {
        Contracts.requireVersion(schemaVersion);
        Contracts.requireText(userId, "userId");
        Contracts.require(type, "type");
        Contracts.require(occurredAt, "occurredAt");
    }

    public static UserEvent of(String userId, UserEventType type, Instant occurredAt, String displayName,
            String timeZone) {
        return new UserEvent(CURRENT_VERSION, userId, type, occurredAt, displayName, timeZone);
    }
}
