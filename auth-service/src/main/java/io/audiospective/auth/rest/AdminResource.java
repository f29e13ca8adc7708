package io.audiospective.auth.rest;

import java.time.Clock;
import java.time.Instant;
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
import io.audiospective.auth.repository.SeatRepository;
import io.audiospective.auth.service.MembershipService;
import io.audiospective.support.rest.Problem;

/** Waitlist administration (role {@code admin}). */
@Path("/admin/waitlist")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    /**
     * A waitlist entry as admins see it. {@code claim}: {@code OPEN} (the seat is reserved until
     * {@code claimExpiresAt}), {@code USED} (at {@code claimedAt}), {@code EXPIRED} (released at
     * {@code claimExpiredAt}, or due to be by the next expiry run); null when not admitted, or admitted before claims.
     */
    public record WaitlistView(
            long id,
            String email,
            Instant createdAt,
            Instant verifiedAt,
            Instant admittedAt,
            String claim,
            Instant claimExpiresAt,
            Instant claimedAt,
            Instant claimExpiredAt) {

        static WaitlistView of(WaitlistEntry entry, Instant now) {
            String claim = null;
            if (entry.claimedAt != null) {
                claim = "USED";
            } else if (entry.claimExpiresAt != null) {
                claim = entry.claimOpenAt(now) ? "OPEN" : "EXPIRED";
            }
            return new WaitlistView(
                    entry.id,
                    entry.email,
                    entry.createdAt,
                    entry.verifiedAt,
                    entry.admittedAt,
                    claim,
                    entry.claimExpiresAt,
                    entry.claimedAt,
                    entry.claimExpiredAt);
        }
    }

    private final MembershipService membership;
    private final Clock clock;

    AdminResource(MembershipService membership, Clock clock) {
        this.membership = membership;
        this.clock = clock;
    }

    @GET
    @Operation(summary = "Everyone on the waitlist, oldest first, with the state of their seat claim")
    public List<WaitlistView> waitlist() {
        Instant now = clock.instant();
        return membership.waitlist().stream()
                .map(entry -> WaitlistView.of(entry, now))
                .toList();
    }

    @GET
    @Path("seats")
    @Operation(
            summary = "The founding seats: the cap, those added by admissions, taken, reserved for open claims, and"
                    + " free to anyone")
    public SeatRepository.Seats seats() {
        return membership.seats();
    }

    @POST
    @Path("{id}/admit")
    @Operation(
            summary = "Admit a waitlisted person: one more seat, reserved for them, and a mail with the link that"
                    + " claims it before it expires")
    public Response admit(@PathParam("id") long id) {
        return membership.admit(id)
                ? Response.noContent().build()
                : Problem.response(
                        Response.Status.NOT_FOUND, "No confirmed waitlist entry " + id + " waiting to be admitted");
    }
}
