package io.audiospective.api.rest;

import java.util.List;
import java.util.function.Supplier;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.audiospective.api.client.SchedulerClient;
import io.audiospective.api.config.ApiConfig;
import io.audiospective.api.service.AdminService;
import io.audiospective.api.service.DeadLetterService;
import io.audiospective.api.service.DeadLetterService.DeadLetter;
import io.audiospective.api.service.DeadLetterService.Redrive;
import io.audiospective.api.service.DeadLetterService.Redriven;
import io.audiospective.api.service.MemberRebuildService;
import io.audiospective.api.service.ReplayService;
import io.audiospective.api.service.ReplayService.Replay;
import io.audiospective.support.rest.Problem;
import io.audiospective.support.rest.ProblemException;

/** Operator endpoints (role {@code admin}). */
@Path("/api/v1/admin")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
@SecurityRequirement(name = "apiToken")
public class AdminResource {

    private static final String SCHEDULER_UNREACHABLE = "urn:audiospective:problem:scheduler-unreachable";

    private final AdminService admin;
    private final ReplayService replays;
    private final DeadLetterService deadLetters;
    private final MemberRebuildService rebuilds;
    private final SchedulerClient scheduler;
    private final ApiConfig config;

    AdminResource(
            AdminService admin,
            ReplayService replays,
            DeadLetterService deadLetters,
            MemberRebuildService rebuilds,
            SchedulerClient scheduler,
            ApiConfig config) {
        this.admin = admin;
        this.scheduler = scheduler;
        this.replays = replays;
        this.deadLetters = deadLetters;
        this.rebuilds = rebuilds;
        this.config = config;
    }

    @GET
    @Path("/overview")
    @Operation(summary = "Users by state, polls in the last hour by outcome, plays archived, consumer lag, DLQ sizes")
    @APIResponse(
            responseCode = "200",
            description = "Overview",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples = @ExampleObject(name = "overview", value = Examples.OVERVIEW)))
    public Response overview() {
        return Response.ok(admin.overview()).header("Cache-Control", "no-store").build();
    }

    @GET
    @Path("/users/{userId}")
    @Operation(summary = "Look up one member: profile, archive status, last poll failure")
    @APIResponse(
            responseCode = "200",
            description = "The member",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples = @ExampleObject(name = "member", value = Examples.ADMIN_USER)))
    @APIResponse(
            responseCode = "404",
            description = "Unknown member",
            content =
                    @Content(mediaType = Problem.MEDIA_TYPE, examples = @ExampleObject(name = "unknown", value = """
                    {"type":"urn:audiospective:problem:not-found","title":"Not Found","status":404,
                     "detail":"No user spotify-user-9"}""")))
    public AdminService.UserDetail user(@PathParam("userId") String userId) {
        return admin.user(userId);
    }

    @GET
    @Path("/users/{userId}/schedule")
    @Operation(
            summary = "One member's schedule as scheduler-service has it: slot, next poll, backoff, failures, extra "
                    + "poll, last publication (passed on to the scheduler with the caller's token)")
    @APIResponse(
            responseCode = "200",
            description = "The schedule",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples = @ExampleObject(name = "schedule", value = Examples.SCHEDULE)))
    @APIResponse(
            responseCode = "502",
            description = "scheduler-service did not answer",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            examples = @ExampleObject(name = "unreachable", value = """
                    {"type":"urn:audiospective:problem:scheduler-unreachable","title":"Bad Gateway","status":502,
                     "detail":"scheduler-service did not answer; try again in a moment"}""")))
    public Response schedule(
            @PathParam("userId") String userId, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return relay(() -> scheduler.schedule(userId, authorization));
    }

    @POST
    @Path("/users/{userId}/poll-now")
    @Operation(
            summary =
                    "Poll one member now, ignoring any backoff: scheduler-service publishes a MANUAL batch (passed on "
                            + "with the caller's token)")
    @APIResponse(
            responseCode = "202",
            description = "The batch published",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples = @ExampleObject(name = "published", value = Examples.POLL_REQUESTED)))
    @APIResponse(
            responseCode = "502",
            description = "scheduler-service did not answer",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            examples = @ExampleObject(name = "unreachable", value = """
                    {"type":"urn:audiospective:problem:scheduler-unreachable","title":"Bad Gateway","status":502,
                     "detail":"scheduler-service did not answer; try again in a moment"}""")))
    public Response pollNow(
            @PathParam("userId") String userId, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return relay(() -> scheduler.pollNow(userId, authorization));
    }

    /** The scheduler's answer, its problems included, as the caller's own; 502 when it does not answer. */
    private static Response relay(Supplier<SchedulerClient.Answer> call) {
        SchedulerClient.Answer answer;
        try {
            answer = call.get();
        } catch (ProcessingException | FaultToleranceException e) {
            throw new ProblemException(
                    502, SCHEDULER_UNREACHABLE, "scheduler-service did not answer; try again in a moment");
        }
        return Response.status(answer.status())
                .type(answer.mediaType())
                .entity(answer.body())
                .header("Cache-Control", "no-store")
                .build();
    }

    @POST
    @Path("/users/{userId}/rebuild")
    @Operation(
            summary = "Rebuild one member's rollups (days, months, years, totals, sessions) from their stored plays in "
                    + "every live generation, in one transaction")
    @APIResponse(
            responseCode = "200",
            description = "Rebuilt: the generations (active first) and the member's plays in the active one",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples = @ExampleObject(name = "rebuilt", value = Examples.MEMBER_REBUILT)))
    @APIResponse(
            responseCode = "404",
            description = "No such member in the read model",
            content =
                    @Content(mediaType = Problem.MEDIA_TYPE, examples = @ExampleObject(name = "unknown", value = """
                    {"type":"urn:audiospective:problem:not-found","title":"Not Found","status":404,
                     "detail":"No member spotify-user-9 in the read model"}""")))
    public MemberRebuildService.Rebuilt rebuildMember(@PathParam("userId") String userId) {
        return rebuilds.rebuild(userId);
    }

    @POST
    @Path("/replays")
    @Operation(
            summary = "Rebuild the read model from the plays topic (new tables, switch-over when caught up); readers "
                    + "keep being served. One replay runs at a time across all replicas: while one runs, this answers "
                    + "it (200) instead of starting another")
    @APIResponse(
            responseCode = "202",
            description = "Started; poll its Location for progress",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples = @ExampleObject(name = "started", value = Examples.REPLAY)))
    @APIResponse(
            responseCode = "200",
            description = "A replay is running already (started on this or another replica): that one, nothing started",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples = @ExampleObject(name = "running", value = Examples.REPLAY)))
    public Response startReplay() {
        ReplayService.Started started = replays.start();
        Replay replay = started.replay();
        return Response.status(started.created() ? Response.Status.ACCEPTED : Response.Status.OK)
                .entity(replay)
                .location(java.net.URI.create("/api/v1/admin/replays/" + replay.generation()))
                .build();
    }

    @DELETE
    @Path("/replays/{generation}")
    @Operation(
            summary = "Cancel a running replay, whichever replica builds it: its generation's tables are dropped and "
                    + "never written again; the active generation stays")
    @APIResponse(
            responseCode = "200",
            description = "Cancelled",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples = @ExampleObject(name = "cancelled", value = Examples.REPLAY_CANCELLED)))
    @APIResponse(
            responseCode = "404",
            description = "No such replay",
            content =
                    @Content(mediaType = Problem.MEDIA_TYPE, examples = @ExampleObject(name = "unknown", value = """
                    {"type":"urn:audiospective:problem:not-found","title":"Not Found","status":404,
                     "detail":"No replay 7"}""")))
    @APIResponse(
            responseCode = "409",
            description = "The replay is not running",
            content =
                    @Content(mediaType = Problem.MEDIA_TYPE, examples = @ExampleObject(name = "finished", value = """
                    {"type":"urn:audiospective:problem:conflict","title":"Conflict","status":409,
                     "detail":"Replay 3 is COMPLETED: only a running replay can be cancelled"}""")))
    public Replay cancelReplay(@PathParam("generation") int generation) {
        return replays.cancel(generation);
    }

    @GET
    @Path("/replays")
    @Operation(summary = "Recent replays, newest first")
    @APIResponse(
            responseCode = "200",
            description = "Replays",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples = @ExampleObject(name = "list", value = "[" + Examples.REPLAY + "]")))
    public List<Replay> recentReplays() {
        return replays.recent();
    }

    @GET
    @Path("/replays/{generation}")
    @Operation(
            summary =
                    "Progress of one replay: records applied, remaining lag, the replica building it and its last heartbeat")
    @APIResponse(
            responseCode = "200",
            description = "Progress",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples = @ExampleObject(name = "running", value = Examples.REPLAY)))
    @APIResponse(
            responseCode = "404",
            description = "No such replay",
            content =
                    @Content(mediaType = Problem.MEDIA_TYPE, examples = @ExampleObject(name = "unknown", value = """
                    {"type":"urn:audiospective:problem:not-found","title":"Not Found","status":404,
                     "detail":"No replay 7"}""")))
    public Replay replay(@PathParam("generation") int generation) {
        return replays.find(generation).orElseThrow(() -> ProblemException.notFound("No replay " + generation));
    }

    @GET
    @Path("/dead-letters")
    @Operation(
            summary = "Dead letters of one source topic not re-driven yet, oldest first: where each record was, "
                    + "why it was set aside")
    @APIResponse(
            responseCode = "200",
            description = "Dead letters",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples = @ExampleObject(name = "list", value = "[" + Examples.DEAD_LETTER + "]")))
    public List<DeadLetter> deadLetters(
            @Parameter(description = "source topic, e.g. plays") @QueryParam("topic") String topic,
            @Parameter(description = "only this reason code") @QueryParam("reason") String reason,
            @Parameter(description = "page size") @QueryParam("limit") String limit) {
        return deadLetters.pending(
                topic, reason, QueryParameters.limit(limit, config.defaultPageSize(), config.maxPageSize()));
    }

    @POST
    @Path("/dead-letters/redrive")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Put dead letters back on their source topic once their cause is fixed: all of a topic's, "
                    + "those of one reason code, or one record by its source partition and offset. Consumers apply them "
                    + "idempotently; one failing again becomes a new dead letter")
    @APIResponse(
            responseCode = "200",
            description = "How many were re-driven",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples =
                                    @ExampleObject(name = "redriven", value = "{\"topic\":\"plays\",\"redriven\":12}")))
    @APIResponse(
            responseCode = "400",
            description = "No topic, or a partition without an offset",
            content =
                    @Content(mediaType = Problem.MEDIA_TYPE, examples = @ExampleObject(name = "no topic", value = """
                    {"type":"urn:audiospective:problem:invalid-request","title":"Bad Request","status":400,
                     "detail":"topic is required: the source topic whose dead letters to re-drive"}""")))
    public Redriven redrive(
            @RequestBody(
                            content =
                                    @Content(
                                            mediaType = "application/json",
                                            examples =
                                                    @ExampleObject(
                                                            name = "one reason",
                                                            value =
                                                                    "{\"topic\":\"plays\",\"reason\":\"sqlstate-22009\"}")))
                    Redrive request) {
        return deadLetters.redrive(request);
    }
}
