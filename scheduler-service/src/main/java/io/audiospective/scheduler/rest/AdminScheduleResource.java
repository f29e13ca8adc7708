package io.audiospective.scheduler.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.audiospective.model.ArchiveBatch;
import io.audiospective.scheduler.ScheduleState;
import io.audiospective.scheduler.service.ScheduleAdminService;

/**
 * Operator view of one user's schedule and a poll on demand, for holders of an API token with the admin role: the
 * schedule shows a member's listening activity, and a manual poll ignores backoff and spends the Spotify budget.
 */
@Path("/admin/users/{userId}")
@RolesAllowed("admin")
@Tag(name = "admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminScheduleResource {

    private final ScheduleAdminService admin;

    AdminScheduleResource(ScheduleAdminService admin) {
        this.admin = admin;
    }

    @GET
    @Path("/schedule")
    @Operation(summary = "The user's schedule: slot, next poll, backoff, failures, extra poll, last publication")
    public ScheduleState schedule(@PathParam("userId") String userId) {
        return admin.state(userId);
    }

    @POST
    @Path("/poll-now")
    @Operation(summary = "Publish a MANUAL batch for the user now, ignoring any backoff")
    public Response pollNow(@PathParam("userId") String userId) {
        ArchiveBatch batch = admin.pollNow(userId);
        return Response.accepted(new PollRequested(
                        batch.batchId(),
                        userId,
                        batch.scheduledFor().toString(),
                        batch.reason().name()))
                .build();
    }

    /** The answer to "poll now": the batch that was published. */
    public record PollRequested(String batchId, String userId, String scheduledFor, String reason) {}
}
