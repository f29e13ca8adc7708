package io.audiospective.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** Lifecycle events are ordered by auth-service's sequence, never by the clocks of the replicas that wrote them. */
class UserEventOrderTest {

    private static final Instant NOON = Instant.parse("2026-12-01T12:00:00Z");

    @Test
    void theSequenceDecidesWhateverTheClocksSay() {
        UserEvent registeredAgain =
                UserEvent.of("ada", UserEventType.REGISTERED, 12, NOON.minusSeconds(30), null, null);
        // a replica whose clock runs 30 s ahead deleted the member first
        assertThat(registeredAgain.isAfter(11L, NOON)).isTrue();
        UserEvent staleDeletion = UserEvent.of("ada", UserEventType.DELETED, 11, NOON.plusSeconds(60), null, null);
        assertThat(staleDeletion.isAfter(12L, NOON.minusSeconds(30))).isFalse();
        assertThat(staleDeletion.isAfter(11L, NOON)).isFalse();
    }

    @Test
    void eventsFromBeforeSequencesAreOrderedByTimeAndPrecedeSequencedOnes() {
        UserEvent legacy = new UserEvent(1, "ada", UserEventType.NEEDS_REAUTH, NOON, null, null, null);
        assertThat(legacy.isAfter(null, null)).isTrue();
        assertThat(legacy.isAfter(null, NOON.minusSeconds(1))).isTrue();
        assertThat(legacy.isAfter(null, NOON.plusSeconds(1))).isFalse();
        assertThat(legacy.isAfter(3L, NOON.minusSeconds(3600))).isFalse();
        assertThat(UserEvent.of("ada", UserEventType.REAUTHORIZED, 1, NOON.minusSeconds(3600), null, null)
                        .isAfter(null, NOON))
                .isTrue();
    }
}
