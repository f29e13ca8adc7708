package io.audiospective.auth.rest;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.audiospective.auth.Member;
import io.audiospective.auth.config.AuthConfig;
import io.audiospective.auth.repository.MemberRepository;
import io.audiospective.auth.security.ApiTokenAuthenticationMechanism;
import io.audiospective.auth.service.ApiTokenService;
import io.audiospective.auth.service.MembershipService;
import io.audiospective.auth.service.RotatedRefreshTokens;
import io.audiospective.auth.service.TokenRevocationService;
import io.audiospective.support.rest.Problem;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.identity.SecurityIdentity;

/** The signed-in member's own account, authenticated with their API token. */
@Path("/api/v1")
@RolesAllowed("user")
@Produces(MediaType.APPLICATION_JSON)
public class AccountResource {

    private final SecurityIdentity identity;
    private final MembershipService membership;
    private final MemberRepository members;
    private final ApiTokenService apiTokens;
    private final TokenRevocationService revocations;
    private final RotatedRefreshTokens rotatedRefreshTokens;
    private final AuthConfig config;
    private final Clock clock;

    AccountResource(
            SecurityIdentity identity,
            MembershipService membership,
            MemberRepository members,
            ApiTokenService apiTokens,
            TokenRevocationService revocations,
            RotatedRefreshTokens rotatedRefreshTokens,
            AuthConfig config,
            Clock clock) {
        this.identity = identity;
        this.membership = membership;
        this.members = members;
        this.apiTokens = apiTokens;
        this.revocations = revocations;
        this.rotatedRefreshTokens = rotatedRefreshTokens;
        this.config = config;
        this.clock = clock;
    }

    @GET
    @Path("account")
    @Operation(summary = "Status of the signed-in member, with the date to reconnect Spotify by when it nears")
    public Response account() {
        Member member = QuarkusTransaction.requiringNew().call(() -> members.findById(userId()));
        if (member == null) {
            return Problem.response(Response.Status.NOT_FOUND, "This account no longer exists");
        }
        Instant reconnectBy = member.authorizedAt == null
                ? null
                : member.authorizedAt.plus(config.spotify().authorizationLifetime());
        boolean warn = reconnectBy != null
                && !clock.instant().isBefore(reconnectBy.minus(config.spotify().reconnectWarning()));
        return Response.ok(new Account(
                        member.spotifyUserId,
                        member.displayName,
                        member.status.name(),
                        member.createdAt,
                        member.authorizedAt,
                        warn ? reconnectBy : null))
                .build();
    }

    @POST
    @Path("auth/token")
    @Operation(summary = "Renew the API token before it expires")
    public Response renew() {
        ApiTokenService.VerifiedToken presented = identity.getAttribute(ApiTokenAuthenticationMechanism.VERIFIED_TOKEN);
        if (!apiTokens.sessionLasts(presented) || !membership.mayRenew(presented)) {
            return Problem.response(Response.Status.UNAUTHORIZED, "This token can no longer be renewed; sign in");
        }
        ApiTokenService.IssuedToken token = apiTokens.renew(presented, membership.rolesOf(userId()));
        return Response.ok(new RenewedToken(token.token(), "Bearer", token.expiresAt()))
                .build();
    }

    @POST
    @Path("auth/logout")
    @Operation(summary = "Sign out: every API token issued to the member so far is refused by every service")
    public Response logout() {
        revocations.announce(membership.signOut(userId()));
        return Response.noContent().build();
    }

    @DELETE
    @Path("account")
    @Operation(
            summary = "Delete the account: Spotify tokens and member are deleted, every API token of the member is"
                    + " refused, all services purge the user")
    public Response delete() {
        Optional<TokenRevocationService.Revocation> deleted = membership.delete(userId());
        deleted.ifPresent(revocation -> {
            revocations.announce(revocation);
            rotatedRefreshTokens.forget(revocation.userId());
        });
        return deleted.isPresent()
                ? Response.noContent().build()
                : Problem.response(Response.Status.NOT_FOUND, "This account no longer exists");
    }

    private String userId() {
        return identity.getPrincipal().getName();
    }

    public record Account(
            String userId,
            String displayName,
            String status,
            Instant memberSince,
            Instant authorizedAt,
            Instant reconnectBy) {}

    public record RenewedToken(String accessToken, String tokenType, Instant expiresAt) {}
}
