package io.audiospective.api.rest;

import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.context.ManagedExecutor;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.audiospective.api.StatsWindow;
import io.audiospective.api.config.ApiConfig;
import io.audiospective.api.repository.StatsAnswerCache.Lookup;
import io.audiospective.api.repository.StatsRepository.Kind;
import io.audiospective.api.repository.StatsRepository.TrackFilter;
import io.audiospective.api.service.StatsService;
import io.audiospective.api.service.StatsService.UserView;
import io.audiospective.api.service.YearCardRenderer;
import io.audiospective.support.rest.Problem;
import io.audiospective.support.rest.ProblemException;
import io.smallrye.mutiny.Uni;

/**
 * Listening statistics of the signed-in member in their own time zone. Windows: {@code period} = day, week
 * (ISO, Monday first), month, year, all (default) around {@code date} (default today), or custom with
 * {@code from} and {@code to} (inclusive local dates).
 */
@Path("/api/v1/me/stats")
@RolesAllowed("user")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "statistics")
@SecurityRequirement(name = "apiToken")
public class StatsResource {

    static final String YEAR_CARD_TYPE = "image/png";

    private final JsonWebToken token;
    private final StatsService stats;
    private final ApiConfig config;
    private final Caching caching;
    private final YearCardRenderer cards;
    private final ManagedExecutor workers;

    @Context
    Request request;

    @Context
    UriInfo uri;

    StatsResource(
            JsonWebToken token,
            StatsService stats,
            ApiConfig config,
            Caching caching,
            YearCardRenderer cards,
            ManagedExecutor workers) {
        this.token = token;
        this.workers = workers;
        this.stats = stats;
        this.config = config;
        this.caching = caching;
        this.cards = cards;
    }

    @GET
    @Path("/top/{kind}")
    @Operation(
            summary = "Top tracks, artists or albums with play counts, listening time and cover image",
            description = "imageUrl is the album's cover (a track's album for tracks); for an artist, the cover of"
                    + " the album of theirs played most (all time), null when none is known. Tracks can be limited"
                    + " to one artist, album or genre, artists to one genre (a track is of a genre when one of its"
                    + " artists is).")
    @APIResponse(
            responseCode = "200",
            description = "Ranked items",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples = @ExampleObject(name = "top tracks", value = Examples.TOP)))
    @APIResponse(
            responseCode = "400",
            description = "Unknown kind or period, or a filter the kind does not take",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            examples = @ExampleObject(name = "bad period", value = Examples.PROBLEM)))
    public Uni<Response> top(
            @Parameter(description = "tracks, artists or albums") @PathParam("kind") String kind,
            @QueryParam("period") String period,
            @QueryParam("date") String date,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("limit") String limit,
            @Parameter(description = "tracks only: tracks of this artist id") @QueryParam("artist") String artist,
            @Parameter(description = "tracks only: tracks of this album id") @QueryParam("album") String album,
            @Parameter(
                            description = "tracks and artists: of this genre (as top/genres names it, case ignored),"
                                    + " at most 100 characters")
                    @QueryParam("genre")
                    String genre) {
        Kind k = kind(kind);
        int size = QueryParameters.limit(limit, 10, config.maxPageSize());
        TrackFilter filter = new TrackFilter(blankToNull(artist), blankToNull(album), StatsService.genre(genre));
        if (filter.equals(TrackFilter.NONE)) {
            return answer(period, date, from, to, (user, window) -> stats.top(user, k, window, size));
        }
        if ((filter.artistId() != null || filter.albumId() != null) && k != Kind.TRACKS) {
            throw ProblemException.badRequest("artist and album filter top tracks only");
        }
        if (k == Kind.ALBUMS) {
            throw ProblemException.invalidParameter("genre", "genre filters top tracks and top artists only");
        }
        if (filter.genre() == null) {
            return answer(period, date, from, to, (user, window) -> stats.top(user, k, filter, window, size));
        }
        return answerWithGenres(period, date, from, to, (user, window) -> stats.top(user, k, filter, window, size));
    }

    @GET
    @Path("/top/genres")
    @Operation(
            summary = "Top genres with play counts and listening time",
            description = "Genres are Spotify's genres of the artists. A play counts once for each genre of its"
                    + " track's artists, once even when several of them have the genre, so the genres' plays add"
                    + " up to more than the window's; plays of artists without genres count for none. Genres"
                    + " arrive some time after a new artist's first play (the archive looks artists up in the"
                    + " background).")
    @APIResponse(
            responseCode = "200",
            description = "Ranked genres",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples = @ExampleObject(name = "top genres", value = Examples.TOP_GENRES)))
    @APIResponse(
            responseCode = "400",
            description = "Invalid period or limit",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            examples = @ExampleObject(name = "bad period", value = Examples.PROBLEM)))
    public Uni<Response> topGenres(
            @QueryParam("period") String period,
            @QueryParam("date") String date,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("limit") String limit) {
        int size = QueryParameters.limit(limit, 10, config.maxPageSize());
        return answerWithGenres(period, date, from, to, (user, window) -> stats.topGenres(user, window, size));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    @GET
    @Path("/summary")
    @Operation(summary = "Plays, minutes, distinct tracks/artists/albums and artists discovered in a period")
    @APIResponse(
            responseCode = "200",
            description = "Summary",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples = @ExampleObject(name = "a week", value = Examples.SUMMARY)))
    @APIResponse(
            responseCode = "400",
            description = "Invalid period",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            examples = @ExampleObject(name = "bad period", value = Examples.PROBLEM)))
    public Uni<Response> summary(
            @QueryParam("period") String period,
            @QueryParam("date") String date,
            @QueryParam("from") String from,
            @QueryParam("to") String to) {
        return answer(period, date, from, to, stats::summary);
    }

    @GET
    @Path("/clock")
    @Operation(summary = "Listening clock: plays and ms per ISO weekday (1 = Monday) and local hour")
    @APIResponse(
            responseCode = "200",
            description = "Non-empty cells",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples = @ExampleObject(name = "clock", value = Examples.CLOCK)))
    @APIResponse(
            responseCode = "400",
            description = "Invalid period",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            examples = @ExampleObject(name = "bad period", value = Examples.PROBLEM)))
    public Uni<Response> clock(
            @QueryParam("period") String period,
            @QueryParam("date") String date,
            @QueryParam("from") String from,
            @QueryParam("to") String to) {
        return answer(period, date, from, to, stats::clock);
    }

    @GET
    @Path("/timeline")
    @Operation(summary = "Plays and minutes per day, week or month (non-empty buckets)")
    @APIResponse(
            responseCode = "200",
            description = "Buckets",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples = @ExampleObject(name = "by month", value = Examples.TIMELINE)))
    @APIResponse(
            responseCode = "400",
            description = "Invalid period or granularity",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            examples = @ExampleObject(name = "bad period", value = Examples.PROBLEM)))
    public Uni<Response> timeline(
            @QueryParam("period") String period,
            @QueryParam("date") String date,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @Parameter(description = "day, week or month") @QueryParam("granularity") String granularity) {
        return answer(period, date, from, to, (user, window) -> stats.timeline(user, window, granularity));
    }

    @GET
    @Path("/streaks")
    @Operation(summary = "Longest and current run of consecutive listening days, longest session")
    @APIResponse(
            responseCode = "200",
            description = "Streaks",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples = @ExampleObject(name = "streaks", value = Examples.STREAKS)))
    @APIResponse(
            responseCode = "400",
            description = "Invalid period",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            examples = @ExampleObject(name = "bad period", value = Examples.PROBLEM)))
    public Uni<Response> streaks(
            @QueryParam("period") String period,
            @QueryParam("date") String date,
            @QueryParam("from") String from,
            @QueryParam("to") String to) {
        return answer(period, date, from, to, stats::streaks);
    }

    @GET
    @Path("/year-in-review/{year}")
    @Operation(summary = "Year in review (\"wrapped\") for any year")
    @APIResponse(
            responseCode = "200",
            description = "The year",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples = @ExampleObject(name = "2026", value = Examples.YEAR)))
    @APIResponse(
            responseCode = "400",
            description = "Invalid year",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            examples = @ExampleObject(name = "bad year", value = Examples.PROBLEM)))
    public Uni<Response> yearInReview(@PathParam("year") String year) {
        int value = year(year);
        return answer(null, null, null, null, (user, window) -> stats.yearInReview(user, value));
    }

    @GET
    @Path("/year-in-review/{year}/card")
    @Produces(YEAR_CARD_TYPE)
    @Operation(
            summary = "Year in review as a shareable image",
            description = "A 1080x1350 PNG drawn from the same figures as the year in review; its Description"
                    + " (an iTXt chunk) is the card's text, to use as the image's alt text where it is shared")
    @APIResponse(
            responseCode = "200",
            description = "The card",
            content =
                    @Content(mediaType = YEAR_CARD_TYPE, schema = @Schema(type = SchemaType.STRING, format = "binary")))
    @APIResponse(
            responseCode = "400",
            description = "Invalid year",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            examples = @ExampleObject(name = "bad year", value = Examples.PROBLEM)))
    public Response yearInReviewCard(@PathParam("year") String year) {
        int value = year(year);
        UserView user = stats.user(token.getSubject());
        return caching.conditionalBytes(
                request,
                uri,
                user,
                stats.today(user).toString(),
                config.statsMaxAge(),
                MediaType.valueOf(YEAR_CARD_TYPE),
                () -> cards.render(stats.yearInReview(user, value)));
    }

    @GET
    @Path("/{kind: tracks|artists|albums}/{id}")
    @Operation(summary = "First and last play, play count, listening time and all-time rank of one item")
    @APIResponse(
            responseCode = "200",
            description = "Item statistics",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples = @ExampleObject(name = "artist", value = Examples.ITEM)))
    @APIResponse(
            responseCode = "404",
            description = "Never played",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            examples = @ExampleObject(name = "never played", value = """
                    {"type":"urn:audiospective:problem:not-found","title":"Not Found","status":404,
                     "detail":"You have never played track 123"}""")))
    public Uni<Response> item(@PathParam("kind") String kind, @PathParam("id") String id) {
        Kind k = kind(kind);
        return answer(null, null, null, null, (user, window) -> stats.item(user, k, id));
    }

    @GET
    @Path("/{kind: tracks|artists|albums}/{id}/timeline")
    @Operation(summary = "Plays and minutes of one item per day, month or year, all time (non-empty buckets)")
    @APIResponse(
            responseCode = "200",
            description = "Buckets, oldest first",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples = @ExampleObject(name = "an album by month", value = Examples.ITEM_TIMELINE)))
    @APIResponse(
            responseCode = "404",
            description = "Never played",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            examples = @ExampleObject(name = "never played", value = """
                    {"type":"urn:audiospective:problem:not-found","title":"Not Found","status":404,
                     "detail":"You have never played album 123"}""")))
    public Uni<Response> itemTimeline(
            @PathParam("kind") String kind,
            @PathParam("id") String id,
            @Parameter(description = "day, month (default) or year") @QueryParam("granularity") String granularity) {
        Kind k = kind(kind);
        return answer(null, null, null, null, (user, window) -> stats.itemTimeline(user, k, id, granularity));
    }

    /**
     * The answer to a statistics read. One this process holds (or a revalidation that still holds) is sent from the
     * event loop; anything that needs the database or Redis is computed on a worker thread.
     */
    private Uni<Response> answer(
            String period, String date, String from, String to, BiFunction<UserView, StatsWindow, Object> query) {
        String userId = token.getSubject();
        Optional<UserView> known = stats.knownUser(userId);
        if (known.isPresent()) {
            UserView user = known.get();
            stats.window(user, period, date, from, to); // a window the API refuses is refused before any lookup
            Optional<Response> ready =
                    caching.fromMemory(request, uri, user, stats.today(user).toString(), config.statsMaxAge());
            if (ready.isPresent()) {
                return Uni.createFrom().item(ready.get());
            }
        }
        return onWorker(() -> computed(userId, period, date, from, to, () -> "", query));
    }

    /**
     * {@link #answer} of an answer that depends on the artists' genres: its ETag and cache key also name the genres'
     * version, since genres change without the member's read model changing. Reading that version takes the
     * database, so these are always answered on a worker thread.
     */
    private Uni<Response> answerWithGenres(
            String period, String date, String from, String to, BiFunction<UserView, StatsWindow, Object> query) {
        String userId = token.getSubject();
        return onWorker(() ->
                computed(userId, period, date, from, to, () -> "-g" + Long.toHexString(stats.genresVersion()), query));
    }

    /**
     * {@code variant}: what else than the member's read model and local date the answer depends on. The shared
     * cache's lookup is sent first, so it overlaps the reads of the variant and the member's state.
     */
    private Response computed(
            String userId,
            String period,
            String date,
            String from,
            String to,
            Supplier<String> variant,
            BiFunction<UserView, StatsWindow, Object> query) {
        Lookup lookup = caching.lookUp(uri, userId);
        String varying = variant.get();
        UserView user = stats.user(userId);
        StatsWindow window = stats.window(user, period, date, from, to);
        return caching.conditional(
                request,
                uri,
                user,
                stats.today(user) + varying,
                config.statsMaxAge(),
                lookup,
                () -> query.apply(user, window));
    }

    private Uni<Response> onWorker(Supplier<Response> answer) {
        return Uni.createFrom().item(answer).runSubscriptionOn(workers);
    }

    private static int year(String year) {
        try {
            return Integer.parseInt(year);
        } catch (NumberFormatException e) {
            throw ProblemException.invalidParameter("year", "year '" + year + "' is not a year (yyyy)");
        }
    }

    private static Kind kind(String kind) {
        try {
            return Kind.valueOf(kind.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("Unknown kind '" + kind + "': use tracks, artists or albums");
        }
    }
}
