package io.audiospective.auth.rest;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.audiospective.auth.MailCategory;
import io.audiospective.auth.Member;
import io.audiospective.auth.repository.MemberRepository;
import io.audiospective.auth.service.MemberMails;
import io.audiospective.support.rest.Problem;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.identity.SecurityIdentity;

/** The signed-in member's mail settings: where mails go and which categories are sent. */
@Path("/api/v1/account/mail")
@RolesAllowed("user")
public class MailSettingsResource {

    private final SecurityIdentity identity;
    private final MemberMails mails;
    private final MemberRepository members;
    private final Clock clock;

    MailSettingsResource(SecurityIdentity identity, MemberMails mails, MemberRepository members, Clock clock) {
        this.identity = identity;
        this.mails = mails;
        this.members = members;
        this.clock = clock;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The member's mail settings: the address mails go to and which categories are sent")
    public Response settings() {
        String userId = identity.getPrincipal().getName();
        Member member = QuarkusTransaction.requiringNew().call(() -> members.findById(userId));
        if (member == null) {
            return Problem.response(Response.Status.NOT_FOUND, "This account no longer exists");
        }
        return Response.ok(settingsOf(member)).build();
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Turn categories of mail on or off; categories not named keep their setting")
    public Response update(MailSettingsUpdate update) {
        if (update == null || update.categories() == null) {
            return Problem.response(Response.Status.BAD_REQUEST, "categories is required, e.g. {\"REAUTH\": false}");
        }
        Map<MailCategory, Boolean> changes = new LinkedHashMap<>();
        for (var entry : update.categories().entrySet()) {
            MailCategory category = category(entry.getKey());
            if (category == null || entry.getValue() == null) {
                return Problem.response(
                        Response.Status.BAD_REQUEST,
                        "categories maps one of " + java.util.Arrays.toString(MailCategory.values())
                                + " to true or false");
            }
            changes.put(category, entry.getValue());
        }
        String userId = identity.getPrincipal().getName();
        Member member = QuarkusTransaction.requiringNew().call(() -> members.findById(userId));
        if (member == null) {
            return Problem.response(Response.Status.NOT_FOUND, "This account no longer exists");
        }
        changes.forEach((category, wanted) -> mails.setWanted(userId, category, wanted, clock.instant()));
        return Response.ok(settingsOf(member)).build();
    }

    private MailSettings settingsOf(Member member) {
        Map<String, Boolean> categories = new LinkedHashMap<>();
        mails.wanted(member.spotifyUserId).forEach((category, wanted) -> categories.put(category.name(), wanted));
        return new MailSettings(member.email, categories);
    }

    static MailCategory category(String name) {
        for (MailCategory category : MailCategory.values()) {
            if (category.name().equals(name)) {
                return category;
            }
        }
        return null;
    }

    /** {@code address}: where mails go (the member's Spotify address), null when there is none. */
    public record MailSettings(String address, Map<String, Boolean> categories) {}

    public record MailSettingsUpdate(Map<String, Boolean> categories) {}
}
