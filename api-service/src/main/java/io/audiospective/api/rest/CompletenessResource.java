package io.audiospective.api.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.audiospective.api.Views.Completeness;
import io.audiospective.api.service.CompletenessService;
import io.audiospective.support.rest.Problem;

/**
 * How complete the member's archive is, hour by hour: what polls verified, where a full page may have lost plays, what
 * imports filled in. Not cached: a poll that archives nothing still moves it on.
 */
@Path("/api/v1/me/archive/completeness")
@RolesAllowed("user")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "me")
@SecurityRequirement(name = "apiToken")
public class CompletenessResource {

    private final JsonWebToken token;
    private final CompletenessService completeness;

    CompletenessResource(JsonWebToken token, CompletenessService completeness) {
        this.token = token;
        this.completeness = completeness;
    }

    @GET
    @Operation(
            summary = "Your archive's completeness, every hour marked",
            description = "Each local day of the window (default: the last 365 days, at most 1,096) with one letter"
                    + " per local hour (23 or 25 on a DST change): P verified by polls, I filled in by an import,"
                    + " G a poll found a full page, so plays may be missing, U not verified yet (since the last"
                    + " successful poll), R not verified while Spotify must be reconnected, - nothing to archive"
                    + " (before joining, or still to come)")
    @APIResponse(
            responseCode = "200",
            description = "The window's days",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples = @ExampleObject(name = "two days", value = Examples.COMPLETENESS)))
    @APIResponse(
            responseCode = "400",
            description = "Invalid dates or a window too long",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            examples = @ExampleObject(name = "bad date", value = Examples.PROBLEM)))
    public Completeness completeness(
            @Parameter(description = "first local day (yyyy-MM-dd), with to") @QueryParam("from") String from,
            @Parameter(description = "last local day (yyyy-MM-dd), with from") @QueryParam("to") String to) {
        return completeness.completeness(token.getSubject(), from, to);
    }
}
