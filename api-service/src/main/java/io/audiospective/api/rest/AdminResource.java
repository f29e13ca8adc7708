package io.audiospective.api.rest;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.audiospective.api.ProblemException;
import io.audiospective.api.service.AdminService;
import io.audiospective.api.service.ReplayService;
import io.audiospective.api.service.ReplayService.Replay;

/** Operator endpoints (role {@code admin}). */
@Path("/api/v1/admin")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
@SecurityRequirement(name = "apiToken")
public class AdminResource {

    private final AdminService admin;
    private final ReplayService replays;

    AdminResource(AdminService admin, ReplayService replays) {
        this.admin = admin;
        this.replays = replays;
    }

    @GET
    @Path("/overview")
    @Operation(summary = "Users by state, polls in the last hour by outcome, plays archived, consumer lag, DLQ sizes")
    @APIResponse(responseCode = "200", description = "Overview", content = @Content(
            mediaType = "application/json", examples = @ExampleObject(name = "overview", value = Examples.OVERVIEW)))
    public Response overview() {
        return Response.ok(admin.overview()).header("Cache-Control", "no-store").build();
    }

    @GET
    @Path("/users/{userId}")
    @Operation(summary = "Look up one member: profile, archive status, last poll failure")
    @APIResponse(responseCode = "200", description = "The member", content = @Content(
            mediaType = "application/json", examples = @ExampleObject(name = "member", value = Examples.ADMIN_USER)))
    @APIResponse(responseCode = "404", description = "Unknown member", content = @Content(
            mediaType = Problem.MEDIA_TYPE, examples = @ExampleObject(name = "unknown", value = """
                    {"type":"urn:audiospective:problem:not-found","title":"Not Found","status":404,
                     "detail":"No user spotify-user-9"}""")))
    public AdminService.UserDetail user(@PathParam("userId") String userId) {
        return admin.user(userId);
    }

    @POST
    @Path("/replays")
    @Operation(summary = "Rebuild the read model from the plays topic (fresh consumer group, new tables, "
            + "switch-over when caught up); readers keep being served")
    @APIResponse(responseCode = "202", description = "Started; poll its Location for progress", content = @Content(
            mediaType = "application/json", examples = @ExampleObject(name = "started", value = Examples.REPLAY)))
    @APIResponse(responseCode = "409", description = "One is already running", content = @Content(
            mediaType = Problem.MEDIA_TYPE, examples = @ExampleObject(name = "running", value = """
                    {"type":"urn:audiospective:problem:conflict","title":"Conflict","status":409,
                     "detail":"A replay is already running"}""")))
    public Response startReplay() {
        Replay replay = replays.start();
        return Response.accepted(replay).location(java.net.URI.create("/api/v1/admin/replays/" + replay.generation()))
                .build();
    }

    @GET
    @Path("/replays")
    @Operation(summary = "Recent replays, newest first")
    @APIResponse(responseCode = "200", description = "Replays", content = @Content(
            mediaType = "application/json", examples = @ExampleObject(name = "list", value = "[" + Examples.REPLAY + "]")))
    public List<Replay> recentReplays() {
        return replays.recent();
    }

    @GET
    @Path("/replays/{generation}")
    @Operation(summary = "Progress of one replay: records processed and remaining lag")
    @APIResponse(responseCode = "200", description = "Progress", content = @Content(
            mediaType = "application/json", examples = @ExampleObject(name = "running", value = Examples.REPLAY)))
    @APIResponse(responseCode = "404", description = "No such replay", content = @Content(
            mediaType = Problem.MEDIA_TYPE, examples = @ExampleObject(name = "unknown", value = """
                    {"type":"urn:audiospective:problem:not-found","title":"Not Found","status":404,
                     "detail":"No replay 7"}""")))
    public Replay replay(@PathParam("generation") int generation) {
        return replays.find(generation).orElseThrow(() -> ProblemException.notFound("No replay " + generation));
    }
}
