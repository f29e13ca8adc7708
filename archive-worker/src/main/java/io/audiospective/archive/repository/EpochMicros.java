package io.audiospective.archive.repository;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Instants cross JDBC as epoch microseconds, the archive's precision: exact, and much cheaper to bind and parse in
 * bulk than timestamps ({@code timestamptz 'epoch' + micros * interval '1 microsecond'} in SQL).
 */
final class EpochMicros {

    private EpochMicros() {}

    static long of(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    static Instant instant(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }
}
