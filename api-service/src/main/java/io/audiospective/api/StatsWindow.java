package io.audiospective.api;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * The local dates a statistics answer covers, in the user's zone: {@code from} to {@code to} inclusive, both
 * null for all time.
 */
public record StatsWindow(String period, LocalDate from, LocalDate to, ZoneId zone) {

    public boolean allTime() {
        return from == null;
    }

    /** First instant of the window (inclusive), null for all time. */
    public Instant start() {
        return from == null ? null : from.atStartOfDay(zone).toInstant();
    }

    /** First instant after the window, null for all time. */
    public Instant end() {
        return to == null ? null : to.plusDays(1).atStartOfDay(zone).toInstant();
    }

    public LocalDate toExclusive() {
        return to == null ? null : to.plusDays(1);
    }
}
