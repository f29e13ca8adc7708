package io.audiospective.api.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** A window split into tiers covers each of its days exactly once, and reads few rows. */
class StatsSpansTest {

    @Test
    void everyDayOfARandomWindowIsInExactlyOneRange() {
        Random random = new Random(42);
        LocalDate base = LocalDate.of(2019, 1, 1);
        for (int i = 0; i < 5_000; i++) {
            LocalDate from = base.plusDays(random.nextInt(2_500));
            LocalDate end = from.plusDays(1 + random.nextInt(i % 2 == 0 ? 70 : 1_500));
            StatsRepository.Spans spans = StatsRepository.Spans.of(from, end);
            Map<LocalDate, Integer> covered = new HashMap<>();
            rangesOf(spans).forEach(range -> {
                assertThat(range[0]).isBeforeOrEqualTo(range[1]);
                for (LocalDate d = range[0]; d.isBefore(range[1]); d = d.plusDays(1)) {
                    covered.merge(d, 1, Integer::sum);
                }
            });
            assertThat(covered)
                    .as("%s..%s", from, end)
                    .hasSize((int) (end.toEpochDay() - from.toEpochDay()))
                    .allSatisfy((day, count) -> assertThat(count).isEqualTo(1))
                    .allSatisfy((day, count) -> assertThat(day).isBetween(from, end.minusDays(1)));
            // months and years are whole; fewer than a month of days at each edge, fewer than a year of months
            if (!spans.years()[0].equals(spans.years()[1])) {
                assertThat(spans.years()[0].getDayOfYear()).isEqualTo(1);
                assertThat(spans.years()[1].getDayOfYear()).isEqualTo(1);
            }
            for (LocalDate[] months : List.of(spans.headMonths(), spans.tailMonths())) {
                if (months[0].equals(months[1])) {
                    continue;
                }
                assertThat(months[0].getDayOfMonth()).isEqualTo(1);
                assertThat(months[1].getDayOfMonth()).isEqualTo(1);
                assertThat(months[0].until(months[1]).toTotalMonths()).isLessThan(12);
            }
            for (LocalDate[] days : List.of(spans.headDays(), spans.tailDays())) {
                if (!spans.headMonths()[0].equals(spans.headMonths()[1])
                        || !spans.years()[0].equals(spans.years()[1])) {
                    assertThat(days[1].toEpochDay() - days[0].toEpochDay()).isLessThan(31);
                }
            }
        }
    }

    @Test
    void aCalendarYearIsOneYearRowAndAMonthOneMonthRow() {
        StatsRepository.Spans year = StatsRepository.Spans.of(LocalDate.of(2024, 1, 1), LocalDate.of(2025, 1, 1));
        assertThat(year.years()).containsExactly(LocalDate.of(2024, 1, 1), LocalDate.of(2025, 1, 1));
        assertThat(year.headDays()[0]).isEqualTo(year.headDays()[1]);
        assertThat(year.headMonths()[0]).isEqualTo(year.headMonths()[1]);
        StatsRepository.Spans month = StatsRepository.Spans.of(LocalDate.of(2024, 2, 1), LocalDate.of(2024, 3, 1));
        assertThat(month.headMonths()).containsExactly(LocalDate.of(2024, 2, 1), LocalDate.of(2024, 3, 1));
        assertThat(month.years()[0]).isEqualTo(month.years()[1]);
    }

    @Test
    void onlyAWholeCalendarYearMonthOrDayIsASingleUnit() {
        assertThat(unit("2024-01-01", "2025-01-01"))
                .contains(new StatsRepository.Spans.Unit("year", date("2024-01-01")));
        assertThat(unit("2024-02-01", "2024-03-01"))
                .contains(new StatsRepository.Spans.Unit("month", date("2024-02-01")));
        assertThat(unit("2024-12-01", "2025-01-01"))
                .contains(new StatsRepository.Spans.Unit("month", date("2024-12-01")));
        assertThat(unit("2024-03-31", "2024-04-01"))
                .contains(new StatsRepository.Spans.Unit("day", date("2024-03-31")));
        // two years, two months, a week, a month and a day: several rows per item, to be added up
        for (String[] window : List.of(
                new String[] {"2023-01-01", "2025-01-01"},
                new String[] {"2024-02-01", "2024-04-01"},
                new String[] {"2024-06-03", "2024-06-10"},
                new String[] {"2024-06-01", "2024-07-02"},
                new String[] {"2024-06-02", "2024-07-01"})) {
            assertThat(unit(window[0], window[1]))
                    .as("%s..%s", window[0], window[1])
                    .isEmpty();
        }
    }

    private static Optional<StatsRepository.Spans.Unit> unit(String from, String end) {
        return StatsRepository.Spans.of(date(from), date(end)).singleUnit();
    }

    private static LocalDate date(String date) {
        return LocalDate.parse(date);
    }

    private static List<LocalDate[]> rangesOf(StatsRepository.Spans spans) {
        return List.of(spans.headDays(), spans.headMonths(), spans.years(), spans.tailMonths(), spans.tailDays());
    }
}
