package io.audiospective.emulator.service;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The emulator's "now": the system clock plus an offset that the control API can move, so tests and
 * compressed-time runs can let hours pass in an instant. Tokens, rate-limit windows, listening and visibility
 * all read this clock.
 */
@ApplicationScoped
public class EmulatorClock extends Clock {

    private final Clock base;
    private final AtomicLong offsetMs = new AtomicLong();

    public EmulatorClock() {
        this(Clock.systemUTC());
    }

    public EmulatorClock(Clock base) {
        this.base = base;
    }

    public long nowMs() {
        return base.millis() + offsetMs.get();
    }

    @Override
    public long millis() {
        return nowMs();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(nowMs());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the emulator clock is always UTC");
    }

    public long offsetMs() {
        return offsetMs.get();
    }

    /** Moves time forward (or back, with a negative amount). Returns the new now. */
    public long advance(long ms) {
        offsetMs.addAndGet(ms);
        return nowMs();
    }

    /** Sets now to the given instant. */
    public long set(long epochMs) {
        offsetMs.set(epochMs - base.millis());
        return nowMs();
    }

    public void setOffset(long ms) {
        offsetMs.set(ms);
    }
}
