package io.audiospective.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.function.LongUnaryOperator;

import org.junit.jupiter.api.Test;

/** Slot spread and window arithmetic, without infrastructure. */
class SlotsTest {

    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final int USERS = 10_000;

    @Test
    void tenThousandConsecutiveSlotKeysSpreadWithinTenPercentPerMinute() {
        for (long firstSequence : new long[] {1, 7_919, 1_000_003}) {
            int[] perMinute = perMinute(i -> Slots.keyForSequence(firstSequence + i));
            double average = USERS / 60.0;
            int busiest = max(perMinute);

            assertThat(busiest).isLessThanOrEqualTo((int) Math.floor(average * 1.10));
            assertThat(min(perMinute)).isGreaterThanOrEqualTo((int) Math.ceil(average * 0.90));
        }
    }

    /** Why slots are not a hash of the user id: a uniform hash puts ~20% more users in the busiest minute. */
    @Test
    void aHashOfTheUserIdWouldMissTheTenPercentTarget() {
        int[] hashed = perMinute(i -> sha256Key("user-" + i));
        int[] sequenced = perMinute(i -> Slots.keyForSequence(i + 1));

        assertThat(max(hashed)).isGreaterThan((int) (USERS / 60.0 * 1.10));
        assertThat(max(sequenced)).isLessThan(max(hashed));
    }

    @Test
    void everyKeyFallsInExactlyOneWindowOfThePeriodAndMatchesItsOffset() {
        Instant periodStart = Instant.parse("2031-03-04T05:00:00Z");
        Random random = new Random(42);
        long[] keys = new long[5_000];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = i < 4
                    ? new long[] {0, Slots.KEY_SPACE - 1, 1, Slots.KEY_SPACE / 2}[i]
                    : random.nextLong() & (Slots.KEY_SPACE - 1);
        }
        for (long key : keys) {
            int windows = 0;
            for (int minute = 0; minute < 60; minute++) {
                Instant from = periodStart.plus(MINUTE.multipliedBy(minute));
                Slots.KeyRange range = Slots.keysDueIn(from, from.plus(MINUTE), HOUR);
                if (key >= range.fromInclusive() && key < range.toExclusive()) {
                    windows++;
                    Instant slot = Slots.slotInPeriodOf(key, from, HOUR);
                    assertThat(slot).isBetween(from, from.plus(MINUTE).minusMillis(1));
                }
            }
            assertThat(windows).as("windows holding key %d", key).isEqualTo(1);
        }
        assertThat(Slots.keysDueIn(periodStart, periodStart.plus(MINUTE), HOUR).fromInclusive())
                .isZero();
        assertThat(Slots.keysDueIn(periodStart.plus(Duration.ofMinutes(59)), periodStart.plus(HOUR), HOUR)
                        .toExclusive())
                .isEqualTo(Slots.KEY_SPACE);
    }

    @Test
    void aUsersPollsAreExactlyOnePeriodApart() {
        long key = Slots.keyForSequence(12_345);
        Instant now = Instant.parse("2031-03-04T05:17:00Z");
        Instant next = Slots.nextSlotAtOrAfter(key, now, HOUR);
        Instant after = Slots.nextSlotAtOrAfter(key, next.plusMillis(1), HOUR);

        assertThat(next).isAfterOrEqualTo(now).isBefore(now.plus(HOUR));
        assertThat(Duration.between(next, after)).isEqualTo(HOUR);
        assertThat(Slots.offsetMillis(key, HOUR)).isEqualTo(Slots.offsetMillis(key, HOUR));
    }

    @Test
    void theOffsetScalesWithACompressedPeriod() {
        long key = Slots.KEY_SPACE / 4;
        assertThat(Slots.offsetMillis(key, HOUR))
                .isEqualTo(Duration.ofMinutes(15).toMillis());
        assertThat(Slots.offsetMillis(key, Duration.ofMinutes(2)))
                .isEqualTo(Duration.ofSeconds(30).toMillis());
    }

    private static int[] perMinute(LongUnaryOperator keyOfUser) {
        int[] perMinute = new int[60];
        for (int i = 0; i < USERS; i++) {
            long offset = Slots.offsetMillis(keyOfUser.applyAsLong(i), HOUR);
            perMinute[(int) (offset / MINUTE.toMillis())]++;
        }
        return perMinute;
    }

    private static long sha256Key(String userId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(userId.getBytes(StandardCharsets.UTF_8));
            return ((digest[0] & 0xFFL) << 24)
                    | ((digest[1] & 0xFFL) << 16)
                    | ((digest[2] & 0xFFL) << 8)
                    | (digest[3] & 0xFFL);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int max(int[] values) {
        return java.util.Arrays.stream(values).max().orElseThrow();
    }

    private static int min(int[] values) {
        return java.util.Arrays.stream(values).min().orElseThrow();
    }
}
