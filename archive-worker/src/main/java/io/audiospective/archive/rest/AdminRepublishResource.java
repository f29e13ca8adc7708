package io.audiospective.archive.rest;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.audiospective.archive.repository.RepublishJobRepository.Job;
import io.audiospective.archive.service.RepublishService;

/**
 * Operator endpoints that write archived plays back onto {@code plays} (a lost or truncated topic, a new read model, a
 * new consumer's backfill), for holders of an API token with the admin role: a republish of everyone is heavy on
 * Kafka and every consumer. Runbook: {@code docs/runbook-republish.md}.
 */
@Path("/admin/republish")
@RolesAllowed("admin")
@Tag(name = "admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminRepublishResource {

    private final RepublishService republish;

    AdminRepublishResource(RepublishService republish) {
        this.republish = republish;
    }

    /** What to republish: a member ({@code userId}, absent: everyone), from when, onto which topic. */
    public record RepublishRequest(String userId, String since, String topic) {}

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Queue a republish of a member's or everyone's archived plays, optionally from an instant")
    public Response request(RepublishRequest request) {
        RepublishRequest r = request == null ? new RepublishRequest(null, null, null) : request;
        Job job = republish.request(r.userId(), r.since(), r.topic());
        return Response.accepted(job)
                .header("Location", "/admin/republish/" + job.id())
                .build();
    }

    @GET
    @Operation(summary = "The latest republish jobs, newest first")
    public List<Job> recent() {
        return republish.recent();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One republish job: state, plays written of the total, position, error")
    public Job job(@PathParam("id") long id) {
        return republish.job(id);
    }
}
