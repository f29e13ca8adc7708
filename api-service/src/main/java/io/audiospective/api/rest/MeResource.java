package io.audiospective.api.rest;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.audiospective.api.StatsWindow;
import io.audiospective.api.Views.Me;
import io.audiospective.api.Views.Page;
import io.audiospective.api.Views.PlayView;
import io.audiospective.api.Views.TimeZoneChange;
import io.audiospective.api.config.ApiConfig;
import io.audiospective.api.repository.HistoryRepository;
import io.audiospective.api.repository.MemberSettingsRepository;
import io.audiospective.api.service.ReadModelService;
import io.audiospective.api.service.StatsService;
import io.audiospective.api.service.StatsService.UserView;
import io.audiospective.api.service.UserService;
import io.audiospective.support.rest.Problem;
import io.audiospective.support.rest.ProblemException;

/** The signed-in member's own profile, settings, history and export. Always the token's subject. */
@Path("/api/v1/me")
@RolesAllowed("user")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "me")
@SecurityRequirement(name = "apiToken")
public class MeResource {

    private final JsonWebToken token;
    private final UserService users;
    private final StatsService stats;
    private final ReadModelService readModel;
    private final HistoryRepository history;
    private final MemberSettingsRepository settings;
    private final ApiConfig config;
    private final ObjectMapper json;

    MeResource(
            JsonWebToken token,
            UserService users,
            StatsService stats,
            ReadModelService readModel,
            HistoryRepository history,
            MemberSettingsRepository settings,
            ApiConfig config,
            ObjectMapper json) {
        this.token = token;
        this.users = users;
        this.stats = stats;
        this.readModel = readModel;
        this.history = history;
        this.settings = settings;
        this.config = config;
        this.json = json;
    }

    @GET
    @Operation(summary = "Your profile, time zone and archive status")
    @APIResponse(
            responseCode = "200",
            description = "Profile",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples = @ExampleObject(name = "active member", value = Examples.ME)))
    public Me me() {
        return users.me(token.getSubject());
    }

    @PUT
    @Path("/time-zone")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set your time zone (IANA id); every statistic follows it from now on")
    @RequestBody(
            content =
                    @Content(
                            mediaType = "application/json",
                            examples = @ExampleObject(name = "India", value = Examples.TIME_ZONE)))
    @APIResponse(
            responseCode = "200",
            description = "The updated profile",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples = @ExampleObject(name = "updated", value = Examples.ME)))
    @APIResponse(
            responseCode = "400",
            description = "Not an IANA zone id",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            examples = @ExampleObject(name = "bad zone", value = Examples.PROBLEM)))
    @APIResponse(
            responseCode = "429",
            description = "Too many changes of zone this hour (each recomputes your "
                    + "statistics); Retry-After says when the next is possible",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            examples = @ExampleObject(name = "too many", value = Examples.PROBLEM)))
    public Me setTimeZone(TimeZoneChange change) {
        String zone = change == null ? null : change.timeZone();
        StatsService.parseZone(zone);
        if (!settings.isKnownTimeZone(zone)) {
            throw ProblemException.badRequest("'" + zone + "' is not a time zone this server knows");
        }
        readModel.memberChangesTimeZone(
                token.getSubject(),
                zone,
                config.timeZoneChanges().perWindow(),
                config.timeZoneChanges().window());
        return users.me(token.getSubject());
    }

    @GET
    @Path("/plays")
    @Operation(summary = "Your plays, newest first, with cursor pagination and filters")
    @APIResponse(
            responseCode = "200",
            description = "A page of plays; follow nextCursor for more",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples = @ExampleObject(name = "page", value = Examples.HISTORY)))
    @APIResponse(
            responseCode = "400",
            description = "Invalid filter or cursor",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            examples = @ExampleObject(name = "bad period", value = Examples.PROBLEM)))
    public Response plays(
            @QueryParam("period") String period,
            @QueryParam("date") String date,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("artist") String artist,
            @QueryParam("track") String track,
            @Parameter(description = "album id: only plays of this album") @QueryParam("album") String album,
            @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor,
            @Context UriInfo uri) {
        UserView user = stats.user(token.getSubject());
        StatsWindow window = stats.window(user, period, date, from, to);
        int size = QueryParameters.limit(limit, config.defaultPageSize(), config.maxPageSize());
        Instant before = cursor == null || cursor.isBlank() ? null : decodeCursor(cursor);
        List<PlayView> rows = history.page(
                user.tables(),
                user.userId(),
                user.zone(),
                new HistoryRepository.Filter(
                        window.start(),
                        window.end(),
                        blankToNull(artist),
                        blankToNull(track),
                        blankToNull(album),
                        before),
                size + 1);
        String next = null;
        if (rows.size() > size) {
            rows = rows.subList(0, size);
            next = encodeCursor(rows.get(size - 1).playedAt());
        }
        Response.ResponseBuilder response =
                Response.ok(new Page<>(rows, next)).header("Cache-Control", "private, no-cache");
        if (next != null) {
            response.link(
                    uri.getRequestUriBuilder().replaceQueryParam("cursor", next).build(), "next");
        }
        return response.build();
    }

    @GET
    @Path("/export")
    @Produces({MediaType.APPLICATION_JSON, "text/csv"})
    @Operation(summary = "Your whole history, oldest first, streamed (format=json or csv)")
    @APIResponse(
            responseCode = "200",
            description = "Every play",
            content = {
                @Content(
                        mediaType = "application/json",
                        examples = @ExampleObject(name = "json", value = Examples.EXPORT_JSON)),
                @Content(mediaType = "text/csv", examples = @ExampleObject(name = "csv", value = Examples.EXPORT_CSV))
            })
    @APIResponse(
            responseCode = "400",
            description = "Unknown format",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            examples = @ExampleObject(name = "bad format", value = Examples.PROBLEM)))
    public Response export(@QueryParam("format") String format) {
        String f = format == null || format.isBlank() ? "json" : format;
        UserView user = stats.user(token.getSubject());
        StreamingOutput body;
        String type;
        switch (f) {
            case "json" -> {
                type = MediaType.APPLICATION_JSON;
                body = out -> {
                    var writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
                    writer.write('[');
                    boolean[] first = {true};
                    history.export(user.tables(), user.userId(), user.zone(), play -> {
                        if (!first[0]) {
                            writer.write(',');
                        }
                        first[0] = false;
                        writer.write(json.writeValueAsString(play));
                        writer.write('\n');
                    });
                    writer.write(']');
                    writer.flush();
                };
            }
            case "csv" -> {
                type = "text/csv";
                body = out -> {
                    var writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
                    writer.write("played_at,track_id,track_name,album_id,album_name,artist_ids,artist_names,"
                            + "ms_played,source\n");
                    history.export(user.tables(), user.userId(), user.zone(), play -> {
                        writer.write(String.join(
                                ",",
                                play.playedAt().toString(),
                                csv(play.trackId()),
                                csv(play.trackName()),
                                csv(play.albumId()),
                                csv(play.albumName()),
                                csv(play.artists().stream().map(a -> a.id()).collect(Collectors.joining(";"))),
                                csv(play.artists().stream().map(a -> a.name()).collect(Collectors.joining(";"))),
                                Long.toString(play.msPlayed()),
                                play.source()));
                        writer.write('\n');
                    });
                    writer.flush();
                };
            }
            default -> throw ProblemException.badRequest("Unknown format '" + format + "': use json or csv");
        }
        return Response.ok(body, type + (type.startsWith("text") ? "; charset=UTF-8" : ""))
                .header("Content-Disposition", "attachment; filename=\"audiospective-plays." + f + "\"")
                .header("Cache-Control", "private, no-store")
                .build();
    }

    /**
     * One CSV cell. Names come from Spotify and from uploaded files, so a cell that a spreadsheet would read as a
     * formula (starting with = + - @, a tab or a carriage return) is prefixed with an apostrophe (OWASP CSV injection).
     */
    static String csv(String value) {
        if (value == null) {
            return "";
        }
        String cell = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (cell.contains(",") || cell.contains("\"") || cell.contains("\n") || cell.contains("\r")) {
            return '"' + cell.replace("\"", "\"\"") + '"';
        }
        return cell;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    static String encodeCursor(Instant before) {
        long micros = before.getEpochSecond() * 1_000_000 + before.getNano() / 1_000;
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(Long.toString(micros).getBytes(StandardCharsets.US_ASCII));
    }

    static Instant decodeCursor(String cursor) {
        try {
            long micros = Long.parseLong(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII));
            return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1_000L);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("cursor is not one this API handed out");
        }
    }
}
