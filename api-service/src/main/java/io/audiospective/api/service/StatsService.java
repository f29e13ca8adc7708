package io.audiospective.api.service;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.api.ReadModelTables;
import io.audiospective.api.StatsWindow;
import io.audiospective.api.Views;
import io.audiospective.api.Views.Artist;
import io.audiospective.api.Views.DayTotal;
import io.audiospective.api.Views.MonthTotal;
import io.audiospective.api.Views.Streak;
import io.audiospective.api.Views.Streaks;
import io.audiospective.api.Views.Summary;
import io.audiospective.api.Views.Timeline;
import io.audiospective.api.Views.TimelineBucket;
import io.audiospective.api.Views.TopItem;
import io.audiospective.api.Views.TopList;
import io.audiospective.api.Views.YearInReview;
import io.audiospective.api.config.ApiConfig;
import io.audiospective.api.repository.CatalogueRepository;
import io.audiospective.api.repository.MemberStates;
import io.audiospective.api.repository.StatsRepository;
import io.audiospective.api.repository.StatsRepository.Figures;
import io.audiospective.api.repository.StatsRepository.Kind;
import io.audiospective.support.rest.ProblemException;

/** Statistics in the user's own time zone. */
@ApplicationScoped
public class StatsService {

    /**
     * The dates a query may name: every play lies between them (the fold refuses plays before Spotify's launch or
     * from 2100 on), and a date far outside, such as the year 290000, would only fail in PostgreSQL's time-zone
     * arithmetic.
     */
    static final LocalDate EARLIEST_DATE = LocalDate.of(2000, 1, 1);

    static final LocalDate LATEST_DATE = LocalDate.of(2099, 12, 31);

    /** The part of a user's settings that answers depend on. */
    public record UserView(String userId, ZoneId zone, long version, ReadModelTables tables) {}

    private final StatsRepository stats;
    private final MemberStates memberStates;
    private final CatalogueRepository catalogue;
    private final ApiConfig config;
    private final java.time.Clock clock;

    StatsService(
            StatsRepository stats,
            MemberStates memberStates,
            CatalogueRepository catalogue,
            ApiConfig config,
            java.time.Clock clock) {
        this.stats = stats;
        this.memberStates = memberStates;
        this.catalogue = catalogue;
        this.config = config;
        this.clock = clock;
    }

    public UserView user(String userId) {
        return view(userId, memberStates.of(userId));
    }

    /** {@link #user} when this process holds the member's state already: no database read, so it never blocks. */
    public Optional<UserView> knownUser(String userId) {
        return memberStates.known(userId).map(state -> view(userId, state));
    }

    private UserView view(String userId, StatsRepository.MemberState state) {
        return new UserView(
                userId,
                ZoneId.of(state.zone() == null ? config.defaultTimeZone() : state.zone()),
                state.version(),
                state.tables());
    }

    /**
     * Grows whenever an artist's genres change, which the member's read-model version does not follow: answers that
     * depend on genres are validated and cached under it as well.
     */
    public long genresVersion() {
        return catalogue.genresVersion();
    }

    public LocalDate today(UserView user) {
        return LocalDate.now(clock.withZone(user.zone()));
    }

    /**
     * The window of {@code period} (day, week, month, year, all, custom) around {@code date} (default today),
     * or {@code from}..{@code to} inclusive for custom.
     */
    public StatsWindow window(UserView user, String period, String date, String from, String to) {
        String p = period == null || period.isBlank() ? "all" : period.toLowerCase(Locale.ROOT);
        LocalDate anchor = date == null || date.isBlank() ? today(user) : parseDate("date", date);
        ZoneId zone = user.zone();
        return switch (p) {
            case "day" -> new StatsWindow(p, anchor, anchor, zone);
            case "week" -> {
                LocalDate monday = anchor.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
                yield new StatsWindow(p, monday, monday.plusDays(6), zone);
            }
            case "month" ->
                new StatsWindow(p, anchor.withDayOfMonth(1), anchor.with(TemporalAdjusters.lastDayOfMonth()), zone);
            case "year" ->
                new StatsWindow(p, anchor.withDayOfYear(1), anchor.with(TemporalAdjusters.lastDayOfYear()), zone);
            case "all" -> new StatsWindow(p, null, null, zone);
            case "custom" -> {
                if (from == null || to == null) {
                    throw ProblemException.badRequest("period=custom needs both from and to (yyyy-MM-dd, inclusive)");
                }
                LocalDate start = parseDate("from", from);
                LocalDate end = parseDate("to", to);
                if (end.isBefore(start)) {
                    throw ProblemException.badRequest("to (" + end + ") is before from (" + start + ")");
                }
                yield new StatsWindow(p, start, end, zone);
            }
            default ->
                throw ProblemException.badRequest(
                        "Unknown period '" + period + "': use day, week, month, year, all or custom");
        };
    }

    public TopList top(UserView user, Kind kind, StatsWindow window, int limit) {
        return new TopList(
                kind.name().toLowerCase(Locale.ROOT),
                Views.Window.of(window),
                stats.top(user.tables(), user.userId(), kind, window, limit));
    }

    /** The window's totals, distinct counts and the artists first played in it. */
    public Summary summary(UserView user, StatsWindow window) {
        Figures figures = stats.figures(user.tables(), user.userId(), window);
        List<Artist> discovered = figures.discovered();
        return new Summary(
                Views.Window.of(window),
                figures.plays(),
                figures.ms(),
                Views.minutes(figures.ms()),
                figures.tracks(),
                figures.artists(),
                figures.albums(),
                discovered.size(),
                discovered.subList(0, Math.min(discovered.size(), 50)));
    }

    public Views.Clock clock(UserView user, StatsWindow window) {
        return new Views.Clock(Views.Window.of(window), stats.clock(user.tables(), user.userId(), window));
    }

    public Timeline timeline(UserView user, StatsWindow window, String granularity) {
        String g = granularity == null || granularity.isBlank() ? "day" : granularity.toLowerCase(Locale.ROOT);
        if (!List.of("day", "week", "month").contains(g)) {
            throw ProblemException.badRequest("Unknown granularity '" + granularity + "': use day, week or month");
        }
        return new Timeline(Views.Window.of(window), g, stats.timeline(user.tables(), user.userId(), window, g));
    }

    public Streaks streaks(UserView user, StatsWindow window) {
        List<LocalDate> days = stats.listeningDays(user.tables(), user.userId(), window);
        return new Streaks(
                Views.Window.of(window),
                longestStreak(days),
                currentStreak(user),
                stats.longestSession(user.tables(), user.userId(), window).orElse(null),
                days.size());
    }

    /** The longest run of consecutive days; the earliest of equally long runs. */
    public static Streak longestStreak(List<LocalDate> ascendingDays) {
        Streak best = null;
        LocalDate runStart = null;
        LocalDate previous = null;
        for (LocalDate day : ascendingDays) {
            if (previous == null || !day.equals(previous.plusDays(1))) {
                runStart = day;
            }
            int length = (int) (day.toEpochDay() - runStart.toEpochDay()) + 1;
            if (best == null || length > best.days()) {
                best = new Streak(length, runStart, day);
            }
            previous = day;
        }
        return best == null ? new Streak(0, null, null) : best;
    }

    /** Consecutive listening days ending today, or yesterday when today has no play yet. */
    private Streak currentStreak(UserView user) {
        LocalDate today = today(user);
        int page = 400;
        LocalDate expected = null;
        LocalDate end = null;
        LocalDate start = null;
        LocalDate until = today;
        while (true) {
            List<LocalDate> days = stats.listeningDaysBefore(user.tables(), user.userId(), until, page);
            for (LocalDate day : days) {
                if (expected == null) {
                    if (day.isBefore(today.minusDays(1))) {
                        return new Streak(0, null, null);
                    }
                    end = day;
                } else if (!day.equals(expected)) {
                    return new Streak((int) (end.toEpochDay() - start.toEpochDay()) + 1, start, end);
                }
                start = day;
                expected = day.minusDays(1);
            }
            if (days.size() < page) {
                return start == null
                        ? new Streak(0, null, null)
                        : new Streak((int) (end.toEpochDay() - start.toEpochDay()) + 1, start, end);
            }
            until = expected;
        }
    }

    public YearInReview yearInReview(UserView user, int year) {
        if (year < EARLIEST_DATE.getYear() || year > LATEST_DATE.getYear()) {
            throw ProblemException.invalidParameter(
                    "year",
                    "year must be between " + EARLIEST_DATE.getYear() + " and " + LATEST_DATE.getYear() + ", not "
                            + year);
        }
        StatsWindow window = new StatsWindow("year", LocalDate.of(year, 1, 1), LocalDate.of(year, 12, 31), user.zone());
        ReadModelTables t = user.tables();
        List<TimelineBucket> months = stats.timeline(t, user.userId(), window, "month");
        MonthTotal topMonth = months.stream()
                .max(java.util.Comparator.comparingLong(TimelineBucket::plays)
                        .thenComparingLong(TimelineBucket::ms)
                        .thenComparing(TimelineBucket::start, java.util.Comparator.reverseOrder()))
                .map(b -> new MonthTotal(b.start().toString().substring(0, 7), b.plays(), b.ms()))
                .orElse(null);
        List<TimelineBucket> days = stats.timeline(t, user.userId(), window, "day");
        DayTotal busiest = days.stream()
                .max(java.util.Comparator.comparingLong(TimelineBucket::plays)
                        .thenComparingLong(TimelineBucket::ms)
                        .thenComparing(TimelineBucket::start, java.util.Comparator.reverseOrder()))
                .map(b -> new DayTotal(b.start(), b.plays(), b.ms()))
                .orElse(null);
        List<TopItem> tracks = stats.top(t, user.userId(), Kind.TRACKS, window, 5);
        return new YearInReview(
                year,
                summary(user, window),
                tracks,
                stats.top(t, user.userId(), Kind.ARTISTS, window, 5),
                stats.top(t, user.userId(), Kind.ALBUMS, window, 5),
                topMonth,
                busiest,
                stats.peakHour(t, user.userId(), window).orElse(null),
                longestStreak(days.stream().map(TimelineBucket::start).toList()),
                stats.longestSession(t, user.userId(), window).orElse(null));
    }

    /** Top tracks of one artist, album or genre, or top artists of one genre, in the window. */
    public TopList top(UserView user, Kind kind, StatsRepository.TrackFilter filter, StatsWindow window, int limit) {
        return new TopList(
                kind.name().toLowerCase(Locale.ROOT),
                Views.Window.of(window),
                stats.top(user.tables(), user.userId(), kind, window, filter, limit));
    }

    /** The window's genres by plays ({@link StatsRepository#topGenres} says how plays count). */
    public Views.TopGenres topGenres(UserView user, StatsWindow window, int limit) {
        return new Views.TopGenres(
                Views.Window.of(window), stats.topGenres(user.tables(), user.userId(), window, limit));
    }

    /**
     * A genre as the filter of the top lists takes it: trimmed and lower case (how the catalogue keeps genres), null
     * when absent or blank.
     */
    public static String genre(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String genre = raw.strip().toLowerCase(Locale.ROOT);
        if (genre.length() > io.audiospective.model.CatalogueArtist.MAX_GENRE_LENGTH) {
            throw ProblemException.invalidParameter(
                    "genre",
                    "genre must be at most " + io.audiospective.model.CatalogueArtist.MAX_GENRE_LENGTH
                            + " characters long, not " + genre.length());
        }
        if (genre.chars().anyMatch(Character::isISOControl)) {
            throw ProblemException.invalidParameter("genre", "genre must not contain control characters");
        }
        return genre;
    }

    /** One item's plays per day, month or year, all time; 404 when it was never played. */
    public Views.ItemTimeline itemTimeline(UserView user, Kind kind, String id, String granularity) {
        String g = granularity == null || granularity.isBlank() ? "month" : granularity;
        if (!List.of("day", "month", "year").contains(g)) {
            throw ProblemException.invalidParameter("granularity", "granularity must be day, month or year");
        }
        List<Views.TimelineBucket> buckets = stats.itemTimeline(user.tables(), user.userId(), kind, id, g);
        if (buckets.isEmpty()) {
            throw ProblemException.notFound("You have never played " + kind.singular + " " + id);
        }
        return new Views.ItemTimeline(kind.singular, id, g, buckets);
    }

    public Views.ItemStats item(UserView user, Kind kind, String id) {
        return stats.item(user.tables(), user.userId(), kind, id)
                .orElseThrow(() -> ProblemException.notFound("You have never played " + kind.singular + " " + id));
    }

    public static ZoneId parseZone(String zone) {
        if (zone == null || zone.isBlank()) {
            throw ProblemException.badRequest("timeZone is required, e.g. Europe/Berlin");
        }
        if (!ZoneId.getAvailableZoneIds().contains(zone)) {
            throw ProblemException.badRequest("'" + zone + "' is not an IANA time zone id, e.g. Europe/Berlin");
        }
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw ProblemException.badRequest("'" + zone + "' is not an IANA time zone id, e.g. Europe/Berlin");
        }
    }

    private static LocalDate parseDate(String name, String value) {
        LocalDate date;
        try {
            date = LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.invalidParameter(name, name + " '" + value + "' is not a date (yyyy-MM-dd)");
        }
        if (date.isBefore(EARLIEST_DATE) || date.isAfter(LATEST_DATE)) {
            throw ProblemException.invalidParameter(
                    name,
                    name + " " + value + " is out of range: dates go from " + EARLIEST_DATE + " to " + LATEST_DATE);
        }
        return date;
    }
}
