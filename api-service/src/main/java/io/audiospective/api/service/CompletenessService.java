package io.audiospective.api.service;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.api.ArchiveCoverage;
import io.audiospective.api.ArchiveCoverage.Mark;
import io.audiospective.api.ArchiveCoverage.Pending;
import io.audiospective.api.ArchiveCoverage.Run;
import io.audiospective.api.StatsWindow;
import io.audiospective.api.Views;
import io.audiospective.api.Views.Completeness;
import io.audiospective.api.Views.CompletenessDay;
import io.audiospective.api.repository.CoverageRepository;
import io.audiospective.api.repository.MemberStatusRepository;
import io.audiospective.api.repository.MemberStatusRepository.Status;
import io.audiospective.api.service.StatsService.UserView;
import io.audiospective.model.ArchiveOutcome;
import io.audiospective.support.rest.ProblemException;

/**
 * Archive completeness: what each successful poll verified ({@link #record}) and, per member, every local hour of a
 * window marked polled, imported, at risk or not verified yet ({@link #completeness}).
 */
@ApplicationScoped
public class CompletenessService {

    /** Three years of days: the dashboard's calendar asks for one. */
    static final int MAX_DAYS = 1_096;

    private static final int DEFAULT_DAYS = 365;

    private final StatsService stats;
    private final MemberStatusRepository statuses;
    private final CoverageRepository coverage;
    private final Clock clock;

    CompletenessService(StatsService stats, MemberStatusRepository statuses, CoverageRepository coverage, Clock clock) {
        this.stats = stats;
        this.statuses = statuses;
        this.coverage = coverage;
        this.clock = clock;
    }

    /**
     * A successful poll verified the time since the member's previous one (since they joined, for the first): with a
     * gap when its page was full and reached no further back. In the transaction that recorded the poll in
     * {@code user_status}, whose row lock orders a member's outcomes; an outcome seen again changes nothing. The
     * registration is read only for a member's first poll.
     */
    public void record(ArchiveOutcome outcome, Supplier<Optional<Instant>> registeredAt) {
        String userId = outcome.userId();
        Instant polledAt = outcome.completedAt();
        Optional<Instant> verifiedUntil = coverage.end(userId);
        if (verifiedUntil.isPresent()) {
            if (polledAt.isAfter(verifiedUntil.get())) {
                coverage.extend(userId, verifiedUntil.get(), polledAt, outcome.gapSuspected());
            }
        } else {
            Instant from =
                    registeredAt.get().filter(at -> at.isBefore(polledAt)).orElse(polledAt);
            coverage.extend(userId, from, polledAt, outcome.gapSuspected());
        }
    }

    public void forget(String userId) {
        coverage.delete(userId);
    }

    /**
     * The runs touching {@code [start, end)}. A first poll whose outcome arrived before the member's registration
     * started their coverage at the poll; its page reached back to the registration all the same, so the time
     * between the two counts as the first run does.
     */
    private List<Run> runs(String userId, Optional<Instant> registeredAt, Instant start, Instant end) {
        List<Run> runs = coverage.runs(userId, start, end);
        Optional<Run> unseen = coverage.first(userId)
                .flatMap(first -> registeredAt
                        .filter(at -> at.isBefore(first.startsAt()))
                        .map(at -> new Run(at, first.startsAt(), first.gap())))
                .filter(run -> run.endsAt().isAfter(start) && run.startsAt().isBefore(end));
        if (unseen.isEmpty()) {
            return runs;
        }
        List<Run> all = new ArrayList<>(runs.size() + 1);
        all.add(unseen.get());
        all.addAll(runs);
        return all;
    }

    /** The member's window {@code from..to} (local dates, inclusive; by default the last 365 days). */
    public Completeness completeness(String userId, String from, String to) {
        UserView user = stats.user(userId);
        LocalDate today = stats.today(user);
        StatsWindow window = from == null && to == null
                ? new StatsWindow("custom", today.minusDays(DEFAULT_DAYS - 1), today, user.zone())
                : stats.window(user, "custom", null, from, to);
        long days = ChronoUnit.DAYS.between(window.from(), window.to()) + 1;
        if (days > MAX_DAYS) {
            throw ProblemException.badRequest(
                    "The window has " + days + " days; completeness answers at most " + MAX_DAYS + " at a time");
        }
        ZoneId zone = user.zone();
        Instant start = window.from().atStartOfDay(zone).toInstant();
        Instant end = window.to().plusDays(1).atStartOfDay(zone).toInstant();
        Optional<Status> status = statuses.status(userId);
        Optional<Instant> verifiedUntil = coverage.end(userId);
        Pending pending = verifiedUntil
                .or(() -> status.map(Status::registeredAt))
                .map(since -> new Pending(
                        since, status.map(s -> "NEEDS_REAUTH".equals(s.state())).orElse(false)))
                .orElse(null);
        Map<LocalDateTime, Long> imported = coverage.importedPerHour(user.tables(), userId, zone, start, end);
        List<ArchiveCoverage.Day> marked = ArchiveCoverage.days(
                window.from(),
                window.to(),
                zone,
                runs(userId, status.map(Status::registeredAt), start, end),
                pending,
                imported,
                clock.instant());
        Map<Mark, Integer> totals = new EnumMap<>(Mark.class);
        marked.forEach(day -> day.counts().forEach((mark, hours) -> totals.merge(mark, hours, Integer::sum)));
        Map<String, Integer> hours = new LinkedHashMap<>();
        for (Mark mark : Mark.values()) {
            hours.put(mark.name(), totals.getOrDefault(mark, 0));
        }
        return new Completeness(
                Views.Window.of(window),
                status.map(Status::registeredAt).orElse(null),
                verifiedUntil.orElse(null),
                pending == null ? null : pending.needsReauth() ? "NEEDS_REAUTH" : "UNVERIFIED",
                hours,
                imported.values().stream().mapToLong(Long::longValue).sum(),
                marked.stream()
                        .map(day -> new CompletenessDay(day.day(), day.hours(), day.importedPlays()))
                        .toList());
    }
}
