package io.audiospective.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.audiospective.api.ArchiveCoverage.Day;
import io.audiospective.api.ArchiveCoverage.Mark;
import io.audiospective.api.ArchiveCoverage.Pending;
import io.audiospective.api.ArchiveCoverage.Run;

class ArchiveCoverageTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    // joined 2026-03-28 09:12 Berlin; a poll at 07:00 on the 29th (CEST) found a full page; last poll 12:30
    private static final List<Run> RUNS = List.of(
            new Run(Instant.parse("2026-03-28T08:12:00Z"), Instant.parse("2026-03-29T05:00:00Z"), false),
            new Run(Instant.parse("2026-03-29T05:00:00Z"), Instant.parse("2026-03-29T08:00:00Z"), true),
            new Run(Instant.parse("2026-03-29T08:00:00Z"), Instant.parse("2026-03-29T10:30:00Z"), false));
    private static final Instant NOW = Instant.parse("2026-03-29T12:10:00Z");

    @Test
    void everyLocalHourIsMarkedAcrossTheSpringChange() {
        Map<LocalDateTime, Long> imported = Map.of(
                // history from before joining
                LocalDateTime.parse("2026-03-28T03:00"), 4L,
                // the first hour of the gap, filled in
                LocalDateTime.parse("2026-03-29T07:00"), 6L);

        List<Day> days = ArchiveCoverage.days(
                LocalDate.parse("2026-03-28"),
                LocalDate.parse("2026-03-29"),
                BERLIN,
                RUNS,
                new Pending(Instant.parse("2026-03-29T10:30:00Z"), false),
                imported,
                NOW);

        assertThat(days.get(0).hours()).isEqualTo("---I-----" + "P".repeat(15));
        assertThat(days.get(0).importedPlays()).isEqualTo(4);
        // 23 hours: 02:00 does not exist on the 29th
        assertThat(days.get(1).hours()).isEqualTo("PPPPPP" + "I" + "GG" + "PP" + "UUU" + "-".repeat(9));
        assertThat(days.get(1).importedPlays()).isEqualTo(6);
        assertThat(days.get(1).counts())
                .containsEntry(Mark.POLLED, 8)
                .containsEntry(Mark.IMPORTED, 1)
                .containsEntry(Mark.GAP, 2)
                .containsEntry(Mark.UNVERIFIED, 3)
                .containsEntry(Mark.NONE, 9);
    }

    @Test
    void theTimeSinceTheLastPollWaitsForAReconnectWhileSpotifyMustBeReconnected() {
        List<Day> days = ArchiveCoverage.days(
                LocalDate.parse("2026-03-29"),
                LocalDate.parse("2026-03-29"),
                BERLIN,
                RUNS,
                new Pending(Instant.parse("2026-03-29T10:30:00Z"), true),
                Map.of(),
                NOW);

        assertThat(days.get(0).hours()).isEqualTo("PPPPPP" + "GGG" + "PP" + "RRR" + "-".repeat(9));
    }

    @Test
    void theAutumnChangeHas25HoursAndAZoneWithAHalfHourOffsetItsOwnHours() {
        Instant joined = Instant.parse("2026-10-01T00:00:00Z");
        Instant lastPoll = Instant.parse("2026-10-30T00:00:00Z");
        List<Run> polled = List.of(new Run(joined, lastPoll, false));

        Day autumn = ArchiveCoverage.days(
                        LocalDate.parse("2026-10-25"),
                        LocalDate.parse("2026-10-25"),
                        BERLIN,
                        polled,
                        new Pending(lastPoll, false),
                        Map.of(),
                        lastPoll)
                .get(0);
        assertThat(autumn.hours()).isEqualTo("P".repeat(25));

        // Kolkata (+05:30): its local hours start at half past UTC hours; the run starts 05:30 local
        Day kolkata = ArchiveCoverage.days(
                        LocalDate.parse("2026-10-01"),
                        LocalDate.parse("2026-10-01"),
                        ZoneId.of("Asia/Kolkata"),
                        polled,
                        new Pending(lastPoll, false),
                        Map.of(LocalDateTime.parse("2026-10-01T02:00"), 1L),
                        lastPoll)
                .get(0);
        assertThat(kolkata.hours()).isEqualTo("--I--" + "P".repeat(19));
    }
}
