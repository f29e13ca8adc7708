package io.audiospective.auth.rest;

import java.time.Clock;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import io.audiospective.auth.MailCategory;
import io.audiospective.auth.repository.MemberRepository;
import io.audiospective.auth.service.MailLinks;
import io.audiospective.auth.service.MemberMails;
import io.audiospective.support.rest.Problem;
import io.quarkus.narayana.jta.QuarkusTransaction;

/** The unsubscribe link of every mail: works without signing in, the link is signed (MailLinks). */
@Path(MailLinks.UNSUBSCRIBE_PATH)
@PermitAll
public class UnsubscribeResource {

    private final MemberMails mails;
    private final MemberRepository members;
    private final MailLinks links;
    private final Clock clock;

    UnsubscribeResource(MemberMails mails, MemberRepository members, MailLinks links, Clock clock) {
        this.mails = mails;
        this.members = members;
        this.links = links;
        this.clock = clock;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @APIResponse(responseCode = "200", description = "The page asking to confirm")
    @APIResponse(responseCode = "400", description = "The link is not valid (problem details)")
    @Operation(summary = "The unsubscribe link of a mail: a page asking to confirm (link scanners open links)")
    public Response confirmUnsubscribe(
            @QueryParam("member") String userId,
            @QueryParam("category") String categoryName,
            @QueryParam("token") String token) {
        MailCategory category = MailSettingsResource.category(categoryName);
        if (userId == null || category == null || !links.verify(userId, category, token)) {
            return Problem.response(Response.Status.BAD_REQUEST, "This unsubscribe link is not valid");
        }
        return Response.ok(Pages.unsubscribe(describe(category), relative(links.unsubscribe(userId, category))))
                .build();
    }

    @POST
    @Produces(MediaType.TEXT_HTML)
    @APIResponse(responseCode = "200", description = "Unsubscribed")
    @APIResponse(responseCode = "400", description = "The link is not valid (problem details)")
    @Operation(summary = "Unsubscribe from the link's category of mail (the page's button, or RFC 8058 one-click)")
    public Response unsubscribe(
            @QueryParam("member") String userId,
            @QueryParam("category") String categoryName,
            @QueryParam("token") String token) {
        MailCategory category = MailSettingsResource.category(categoryName);
        if (userId == null || category == null || !links.verify(userId, category, token)) {
            return Problem.response(Response.Status.BAD_REQUEST, "This unsubscribe link is not valid");
        }
        // a deleted member has no mails left to stop
        if (QuarkusTransaction.requiringNew().call(() -> members.findById(userId)) != null) {
            mails.setWanted(userId, category, false, clock.instant());
        }
        return Response.ok(Pages.unsubscribed(describe(category))).build();
    }

    private static String describe(MailCategory category) {
        return switch (category) {
            case REAUTH -> "reminders to reconnect Spotify";
            case IMPORTS -> "mails about your imports";
            case MONTHLY_SUMMARY -> "the monthly summary of your listening";
        };
    }

    /** The page posts to this service's own path (the Content-Security-Policy admits form-action 'self' only). */
    private static String relative(String absolute) {
        return absolute.substring(absolute.indexOf(MailLinks.UNSUBSCRIBE_PATH));
    }
}
