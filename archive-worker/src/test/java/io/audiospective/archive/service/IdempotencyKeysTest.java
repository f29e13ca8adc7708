package io.audiospective.archive.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.audiospective.model.ArchiveBatch;
import io.audiospective.model.BatchReason;

/**
 * One scheduled poll per user and window, whatever the window's length; extra polls never share a key; a key names
 * the member only by a hash.
 */
class IdempotencyKeysTest {

    private static final Instant AT = Instant.parse("2026-11-29T10:06:31.250Z");
    /** The member "u1" as keys name them: by the SHA-256 of the id, never the id. */
    private static final String U1 = "bb82030dbc2bcaba32a90bf2e207a84a856fc5f033b77c480836ab6f77f40f19";

    @Test
    void scheduledPollsOfOneWindowShareAKeyAndTheNextWindowHasItsOwn() {
        for (Duration window :
                List.of(Duration.ofHours(1), Duration.ofMinutes(2), Duration.ofSeconds(10), Duration.ofMillis(1500))) {
            String first = key(AT, BatchReason.SCHEDULED, window);

            assertThat(key(AT.plusMillis(1), BatchReason.CATCH_UP, window))
                    .as("same %s window", window)
                    .isEqualTo(first);
            assertThat(key(AT.plus(window), BatchReason.SCHEDULED, window))
                    .as("next %s window", window)
                    .isNotEqualTo(first);
        }
        assertThat(key(AT, BatchReason.SCHEDULED, Duration.ofHours(1))).isEqualTo("archive:" + U1 + ":2026-11-29-10");
        assertThat(key(AT, BatchReason.SCHEDULED, Duration.ofSeconds(10)))
                .isEqualTo("archive:" + U1 + ":2026-11-29-10-06-30");
    }

    @Test
    void anExtraPollIsKeyedByItsBatch() {
        assertThat(key(AT, BatchReason.MANUAL, Duration.ofHours(1))).isEqualTo("archive:" + U1 + ":batch-" + AT);
        assertThat(key(AT, BatchReason.HEAVY_LISTENER, Duration.ofHours(1)))
                .isEqualTo("archive:" + U1 + ":batch-" + AT);
    }

    private static String key(Instant scheduledFor, BatchReason reason, Duration window) {
        return IdempotencyKeys.key(ArchiveBatch.of("batch-" + AT, scheduledFor, reason, List.of("u1")), "u1", window);
    }
}
