package io.audiospective.auth.rest;

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

import io.audiospective.auth.WaitlistEntry;
import io.audiospective.auth.service.MembershipService;
import io.audiospective.support.rest.Problem;

/** Waitlist administration (role {@code admin}). */
@Path("/admin/waitlist")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    private final MembershipService membership;

    AdminResource(MembershipService membership) {
        this.membership = membership;
    }

    @GET
    @Operation(summary = "Everyone on the waitlist, oldest first")
    public List<WaitlistEntry> waitlist() {
        return membership.waitlist();
    }

    @POST
    @Path("{id}/admit")
    @Operation(summary = "Admit a waitlisted person: raises the cap by one seat")
    public Response admit(@PathParam("id") long id) {
        return membership.admit(id)
                ? Response.noContent().build()
                : Problem.response(
                        Response.Status.NOT_FOUND, "No confirmed waitlist entry " + id + " waiting to be admitted");
    }
}
