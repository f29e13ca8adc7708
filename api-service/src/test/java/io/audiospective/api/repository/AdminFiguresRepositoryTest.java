package io.audiospective.api.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.audiospective.api.repository.AdminFiguresRepository.Count;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The admin overview's figures against the real database: buckets by UTC hour and day, members by state with the
 * deleted ones, and the member's status row as consumers upsert it. The counters are shared by the whole database, so
 * each test writes into a day decades back that nothing else touches, or compares before and after.
 */
@QuarkusTest
class AdminFiguresRepositoryTest {

    @Inject
    AdminFiguresRepository figures;

    @Inject
    MemberStatusRepository statuses;

    @Inject
    MemberSettingsRepository settings;

    @Inject
    ErasedMembers erased;

    @Inject
    ReadModelWriter writer;

    private static Instant pastDay() {
        LocalDate day =
                LocalDate.of(1980, 1, 1).plusDays(ThreadLocalRandom.current().nextInt(7000));
        return day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    @Test
    void pollOutcomesCountInTheUtcHourTheyCompletedIn() {
        Instant day = pastDay();
        String ok = "OK-" + UUID.randomUUID();
        String failed = "FAILED-" + UUID.randomUUID();
        figures.countPolls(day.plus(Duration.ofMinutes(10 * 60 + 5)), ok, 1);
        figures.countPolls(day.plus(Duration.ofMinutes(10 * 60 + 59)), ok, 2);
        figures.countPolls(day.plus(Duration.ofHours(11)), ok, 1);
        figures.countPolls(day.plus(Duration.ofMinutes(10 * 60 + 30)), failed, 1);

        Map<String, Long> sinceNine = figures.pollsAfter(day.plus(Duration.ofHours(9)));
        assertThat(sinceNine).containsEntry(ok, 4L).containsEntry(failed, 1L);
        // buckets after 10:00 only: the 11:00 one
        Map<String, Long> sinceTen = figures.pollsAfter(day.plus(Duration.ofHours(10)));
        assertThat(sinceTen).containsEntry(ok, 1L).doesNotContainKey(failed);
    }

    @Test
    void ingestedPlaysAddUpPerUtcHourAndDay() {
        Instant day = pastDay();
        Instant next = day.plus(Duration.ofDays(1));
        writer.countIngested(day.plus(Duration.ofMinutes(23 * 60 + 10)), 2);
        writer.countIngested(day.plus(Duration.ofMinutes(23 * 60 + 50)), 5);
        writer.countIngested(next.plus(Duration.ofMinutes(10)), 4);
        Instant until = next.plus(Duration.ofDays(1));

        List<Count> hours = figures.playsIngestedPerHour(day.plus(Duration.ofHours(23))).stream()
                .filter(count -> count.start().isBefore(until))
                .toList();
        assertThat(hours).containsExactly(new Count(day.plus(Duration.ofHours(23)), 7), new Count(next, 4));
        List<Count> days = figures.playsIngestedPerDay(day).stream()
                .filter(count -> count.start().isBefore(until))
                .toList();
        assertThat(days).containsExactly(new Count(day, 7), new Count(next, 4));
    }

    @Test
    void membersByStateCountDeletedMembersByTheirTombstone() {
        Map<String, Long> before = figures.membersByState();
        String reauth = "figures-" + UUID.randomUUID();
        statuses.recordEvent(reauth, null, "NEEDS_REAUTH", null, Instant.now());
        erased.erase("figures-" + UUID.randomUUID(), Instant.now(), 1L);

        Map<String, Long> after = figures.membersByState();
        assertThat(after.get("NEEDS_REAUTH")).isGreaterThanOrEqualTo(before.getOrDefault("NEEDS_REAUTH", 0L) + 1);
        assertThat(after.get("DELETED")).isGreaterThanOrEqualTo(before.getOrDefault("DELETED", 0L) + 1);
        assertThat(List.copyOf(after.keySet())).isSorted();
    }

    @Test
    void aMemberIsKnownByTheirStatusOrTheirSettings() {
        String user = "figures-" + UUID.randomUUID();
        assertThat(figures.knowsMember(user)).isFalse();
        statuses.recordSuccessfulPoll(user, Instant.parse("2026-01-10T10:00:00Z"));
        assertThat(figures.knowsMember(user)).isTrue();
        assertThat(settings.exists(user)).isFalse();
    }

    @Test
    void theStatusRowKeepsTheLatestPollAndTheFirstRegistration() {
        String user = "figures-" + UUID.randomUUID();
        Instant registered = Instant.parse("2026-01-01T00:00:00Z");
        statuses.recordSuccessfulPoll(user, Instant.parse("2026-01-10T10:00:00Z"));
        assertThat(statuses.isRegistered(user)).isFalse();
        statuses.register(user, "Ada", registered);
        statuses.register(user, null, registered.plus(Duration.ofDays(3)));
        // an outcome that arrives late changes nothing
        statuses.recordSuccessfulPoll(user, Instant.parse("2026-01-09T10:00:00Z"));
        statuses.recordEvent(user, null, "NEEDS_REAUTH", null, registered.plus(Duration.ofDays(4)));
        statuses.recordEvent(user, null, null, null, registered.plus(Duration.ofDays(5)));
        statuses.recordPollFailure(user, "AUTH: revoked");
        statuses.recordEventSequence(user, 7L);

        assertThat(statuses.isRegistered(user)).isTrue();
        assertThat(statuses.status(user))
                .contains(new MemberStatusRepository.Status(
                        "Ada",
                        "NEEDS_REAUTH",
                        registered,
                        registered.plus(Duration.ofDays(3)),
                        Instant.parse("2026-01-10T10:00:00Z"),
                        "AUTH: revoked"));
        assertThat(statuses.lockLastEvent(user))
                .contains(new MemberStatusRepository.LastEvent(7L, registered.plus(Duration.ofDays(5))));
        statuses.delete(user);
        assertThat(statuses.status(user)).isEmpty();
    }
}
