package io.audiospective.scheduler;

import java.time.Duration;
import java.time.Instant;

/**
 * Where a user's poll falls in the polling period. Each user holds a 32-bit slot key, assigned once in
 * registration order as {@code n * 2654435769 mod 2^32} (the database default of {@code slot_key}); the key maps
 * to an offset {@code key * period / 2^32} into every period. Periods start at multiples of the period length
 * since the epoch, so a user's polls are exactly one period apart.
 */
public final class Slots {

    /** Keys are in [0, KEY_SPACE). */
    public static final long KEY_SPACE = 1L << 32;
    /** floor(2^32 / golden ratio), odd: consecutive multiples spread evenly over the key space. */
    public static final long GOLDEN_STEP = 2654435769L;
    /** Offsets are computed in milliseconds with 64-bit arithmetic, which bounds the period. */
    public static final Duration MAX_PERIOD = Duration.ofMillis(Integer.MAX_VALUE);

    private Slots() {}

    /** The key the database hands to the n-th registered user. */
    public static long keyForSequence(long n) {
        return (n * GOLDEN_STEP) & (KEY_SPACE - 1);
    }

    /** The user's offset into every period, in milliseconds, in [0, period). */
    public static long offsetMillis(long slotKey, Duration period) {
        return (slotKey * period.toMillis()) >>> 32;
    }

    /** Start of the period containing {@code instant}. */
    public static Instant periodStart(Instant instant, Duration period) {
        long length = period.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(instant.toEpochMilli(), length) * length);
    }

    /** The user's slot in the period that contains {@code instant}. */
    public static Instant slotInPeriodOf(long slotKey, Instant instant, Duration period) {
        return periodStart(instant, period).plusMillis(offsetMillis(slotKey, period));
    }

    /** The user's first slot at or after {@code instant}. */
    public static Instant nextSlotAtOrAfter(long slotKey, Instant instant, Duration period) {
        Instant slot = slotInPeriodOf(slotKey, instant, period);
        return slot.isBefore(instant) ? slot.plus(period) : slot;
    }

    /** Round down to a multiple of {@code unit} since the epoch. */
    public static Instant floor(Instant instant, Duration unit) {
        long length = unit.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(instant.toEpochMilli(), length) * length);
    }

    /**
     * The slot keys whose slot falls in [from, to): one contiguous key range, because a window never crosses a
     * period boundary (the period is a whole number of windows and both are aligned to the epoch).
     */
    public static KeyRange keysDueIn(Instant from, Instant to, Duration period) {
        Instant start = periodStart(from, period);
        long length = period.toMillis();
        long a = from.toEpochMilli() - start.toEpochMilli();
        long b = to.toEpochMilli() - start.toEpochMilli();
        if (a < 0 || b <= a || b > length) {
            throw new IllegalArgumentException("Window [" + from + ", " + to + ") must lie within one period");
        }
        return new KeyRange(firstKeyAtOffset(a, length), firstKeyAtOffset(b, length));
    }

    /** The smallest key whose offset is at least {@code offset}: ceil(offset * 2^32 / length). */
    private static long firstKeyAtOffset(long offset, long length) {
        return -Math.floorDiv(-(offset << 32), length);
    }

    /** Keys in [fromInclusive, toExclusive). */
    public record KeyRange(long fromInclusive, long toExclusive) {}
}
