package io.audiospective.api;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every local hour of a member's days marked by what is known of its plays: verified by polls, possibly incomplete
 * (a poll found a gap), filled in by an import, not verified yet, or nothing to archive (before they joined, or still
 * to come). A local day has 23 or 25 hours on a DST change, and so has its marks.
 */
public final class ArchiveCoverage {

    private ArchiveCoverage() {}

    /** From one successful poll to the next: complete, or with a gap (the later poll's page was full). */
    public record Run(Instant startsAt, Instant endsAt, boolean gap) {}

    /** The time since the last successful poll, not verified yet; the member may have to reconnect Spotify first. */
    public record Pending(Instant from, boolean needsReauth) {}

    public enum Mark {
        POLLED('P'),
        IMPORTED('I'),
        GAP('G'),
        UNVERIFIED('U'),
        NEEDS_REAUTH('R'),
        NONE('-');

        public final char code;

        Mark(char code) {
            this.code = code;
        }
    }

    /** One local day: its hours' marks in order (one letter each), how many hours of each mark, the imported plays. */
    public record Day(LocalDate day, String hours, Map<Mark, Integer> counts, long importedPlays) {}

    /**
     * Marks the hours of {@code from..to} (inclusive local dates). An hour overlapping a gap or the unverified time is
     * IMPORTED when an import filled plays into it, else GAP, UNVERIFIED or NEEDS_REAUTH; otherwise an hour a
     * complete run overlaps is POLLED; an hour no run overlaps is IMPORTED when it has imported plays (history from
     * before joining), else NONE.
     *
     * @param runs oldest first
     * @param pending null when nothing is pending (never polled and never registered)
     * @param imported imported plays per local hour
     */
    public static List<Day> days(
            LocalDate from,
            LocalDate to,
            ZoneId zone,
            List<Run> runs,
            Pending pending,
            Map<LocalDateTime, Long> imported,
            Instant now) {
        Map<LocalDate, Long> importedPerDay = imported.entrySet().stream()
                .collect(Collectors.groupingBy(
                        e -> e.getKey().toLocalDate(), Collectors.summingLong(Map.Entry::getValue)));
        List<Day> days = new ArrayList<>();
        int first = 0;
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            Instant end = day.plusDays(1).atStartOfDay(zone).toInstant();
            StringBuilder marks = new StringBuilder(25);
            Map<Mark, Integer> counts = new EnumMap<>(Mark.class);
            for (Instant hour = day.atStartOfDay(zone).toInstant();
                    hour.isBefore(end);
                    hour = hour.plus(Duration.ofHours(1))) {
                Instant hourEnd = hour.plus(Duration.ofHours(1));
                while (first < runs.size() && !runs.get(first).endsAt().isAfter(hour)) {
                    first++;
                }
                boolean gap = false;
                boolean polled = false;
                for (int i = first; i < runs.size() && runs.get(i).startsAt().isBefore(hourEnd); i++) {
                    gap |= runs.get(i).gap();
                    polled |= !runs.get(i).gap();
                }
                boolean unverified = pending != null && hourEnd.isAfter(pending.from());
                boolean filledIn = imported.getOrDefault(
                                LocalDateTime.ofInstant(hour, zone).truncatedTo(ChronoUnit.HOURS), 0L)
                        > 0;
                Mark mark;
                if (!hour.isBefore(now)) {
                    mark = Mark.NONE;
                } else if (gap || unverified) {
                    mark = filledIn
                            ? Mark.IMPORTED
                            : gap ? Mark.GAP : pending.needsReauth() ? Mark.NEEDS_REAUTH : Mark.UNVERIFIED;
                } else if (polled) {
                    mark = Mark.POLLED;
                } else {
                    mark = filledIn ? Mark.IMPORTED : Mark.NONE;
                }
                marks.append(mark.code);
                counts.merge(mark, 1, Integer::sum);
            }
            days.add(new Day(day, marks.toString(), counts, importedPerDay.getOrDefault(day, 0L)));
        }
        return days;
    }
}
