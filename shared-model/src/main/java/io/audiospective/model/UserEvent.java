package io.audiospective.model;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Topic {@value Topics#USERS}, key {@code userId}: a member's lifecycle.
 *
 * @param userId the member's Spotify user id
 * @param timeZone IANA zone id, when known
 * @param sequence where the event stands in the member's lifecycle: drawn from one sequence of auth-service's
 *        database in the transaction that made the change, so a later change always has a higher number, whichever
 *        replica made it and whatever its clock says. Consumers apply an event only when its sequence is above the
 *        last one they applied for the member. Absent in events published before it existed: those are ordered by
 *        {@code occurredAt}
 */
public record UserEvent(
        int schemaVersion,
        String userId,
        UserEventType type,
        Instant occurredAt,
        String displayName,
        String timeZone,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long sequence) {

    public static final int CURRENT_VERSION = 1;

    public UserEvent {
        Contracts.requireVersion(schemaVersion);
        Contracts.requireText(userId, "userId");
        Contracts.require(type, "type");
        Contracts.require(occurredAt, "occurredAt");
        if (sequence != null) {
            Contracts.requireNotNegative(sequence, "sequence");
        }
    }

    public static UserEvent of(
            String userId, UserEventType type, long sequence, Instant occurredAt, String displayName, String timeZone) {
        return new UserEvent(CURRENT_VERSION, userId, type, occurredAt, displayName, timeZone, sequence);
    }

    /**
     * Whether this event comes after the last one a consumer applied for the member ({@code appliedSequence} and
     * {@code appliedAt}, both null when none was). Sequences decide when both events have one; an event without one
     * was published before sequences existed and is older than any event with one.
     */
    public boolean isAfter(Long appliedSequence, Instant appliedAt) {
        if (appliedSequence == null && appliedAt == null) {
            return true;
        }
        if (sequence != null) {
            return appliedSequence == null || sequence > appliedSequence;
        }
        return appliedSequence == null && !occurredAt.isBefore(appliedAt);
    }
}
