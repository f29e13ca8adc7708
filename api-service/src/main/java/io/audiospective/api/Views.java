package io.audiospective.api;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** What the REST API answers: plain immutable views, never entities or Kafka messages. */
public final class Views {

    private Views() {}

    public static double minutes(long ms) {
        return Math.round(ms / 6000.0) / 10.0;
    }

    public record Window(String period, LocalDate from, LocalDate to, String timeZone) {
        public static Window of(StatsWindow window) {
            return new Window(
                    window.period(), window.from(), window.to(), window.zone().getId());
        }
    }

    public record Artist(String id, String name) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TopItem(
            int rank,
            String id,
            String name,
            List<Artist> artists,
            String albumId,
            String albumName,
            long plays,
            long ms,
            double minutes,
            String imageUrl) {}

    public record TopList(String kind, Window window, List<TopItem> items) {}

    /** A genre of a window's top genres: its plays count each play once however many of its artists have it. */
    public record TopGenre(int rank, String genre, long plays, long ms, double minutes) {}

    public record TopGenres(Window window, List<TopGenre> items) {}

    public record Summary(
            Window window,
            long plays,
            long ms,
            double minutes,
            long distinctTracks,
            long distinctArtists,
            long distinctAlbums,
            long artistsDiscovered,
            List<Artist> discovered) {}

    public record ClockCell(int weekday, int hour, long plays, long ms) {}

    public record Clock(Window window, List<ClockCell> cells) {}

    public record TimelineBucket(LocalDate start, long plays, long ms, double minutes) {}

    public record Timeline(Window window, String granularity, List<TimelineBucket> buckets) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Streak(int days, LocalDate from, LocalDate to) {}

    public record Session(Instant start, Instant end, long plays, long ms, double minutes) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Streaks(
            Window window, Streak longestStreak, Streak currentStreak, Session longestSession, long listeningDays) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ItemStats(
            String kind,
            String id,
            String name,
            List<Artist> artists,
            String albumId,
            String albumName,
            Instant firstPlayedAt,
            Instant lastPlayedAt,
            long plays,
            long ms,
            double minutes,
            long rank,
            String imageUrl) {}

    /** One item's plays per month or year (non-empty buckets, all time). */
    public record ItemTimeline(String kind, String id, String granularity, List<TimelineBucket> buckets) {}

    public record MonthTotal(String month, long plays, long ms) {}

    public record DayTotal(LocalDate day, long plays, long ms) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record YearInReview(
            int year,
            Summary summary,
            List<TopItem> topTracks,
            List<TopItem> topArtists,
            List<TopItem> topAlbums,
            MonthTotal topMonth,
            DayTotal busiestDay,
            Integer peakHour,
            Streak longestStreak,
            Session longestSession) {}

    public record PlayView(
            Instant playedAt,
            LocalDateTime localTime,
            String trackId,
            String trackName,
            String albumId,
            String albumName,
            List<Artist> artists,
            long msPlayed,
            String source,
            String imageUrl) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Page<T>(List<T> items, String nextCursor) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ArchiveStatus(
            String state,
            Instant archivingSince,
            long playsArchived,
            Instant lastSuccessfulPoll,
            LocalDate reconnectBy,
            boolean needsReauth) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Me(String userId, String displayName, String timeZone, ArchiveStatus archive) {}

    public record TimeZoneChange(String timeZone) {}
    /**
     * The archive's completeness over a window: each local day's hours marked (see {@link ArchiveCoverage.Mark}),
     * the hours of each mark and the plays imports filled in.
     *
     * @param pending what the time since the last successful poll is: UNVERIFIED, or NEEDS_REAUTH while the member
     *     must reconnect Spotify; null before any poll or registration
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Completeness(
            Window window,
            Instant archivingSince,
            Instant lastSuccessfulPoll,
            String pending,
            java.util.Map<String, Integer> hours,
            long importedPlays,
            List<CompletenessDay> days) {}

    /** @param hours one letter per local hour: P polled, I imported, G gap, U unverified, R needs reauth, - none */
    public record CompletenessDay(LocalDate day, String hours, long importedPlays) {}
}
