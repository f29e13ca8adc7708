package io.audiospective.auth.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import io.audiospective.auth.security.ApiTokenAuthenticationMechanism;
import io.audiospective.auth.service.AccessTokenResult;
import io.audiospective.auth.service.AccessTokenService;
import io.audiospective.auth.service.AppTokenService;
import io.audiospective.model.SpotifyAccessToken;
import io.audiospective.model.TokenFingerprint;
import io.audiospective.support.rest.Problem;

/** Endpoints for the other services only (role {@code service}); users' API tokens are refused. */
@Path(SpotifyAccessToken.BASE_PATH)
@RolesAllowed(ApiTokenAuthenticationMechanism.ROLE_SERVICE)
public class InternalResource {

    private final AccessTokenService accessTokens;
    private final AppTokenService appTokens;

    InternalResource(AccessTokenService accessTokens, AppTokenService appTokens) {
        this.accessTokens = accessTokens;
        this.appTokens = appTokens;
    }

    @GET
    @Path(SpotifyAccessToken.APP_PATH)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "The app's own Spotify access token (client credentials), for catalogue look-ups: it "
                    + "carries no member's authorisation and reads no member's data")
    @APIResponse(responseCode = "200", description = "The token and when it expires")
    @APIResponse(
            responseCode = "503",
            description = "No client secret configured, or Spotify accounts " + "unavailable: retry later")
    public Response appAccessToken() {
        return appTokens
                .appToken()
                .map(token -> Response.ok(new SpotifyAccessToken(token.accessToken(), token.expiresAt()))
                        .build())
                .orElseGet(() -> Problem.response(
                        Response.Status.SERVICE_UNAVAILABLE,
                        "No Spotify client secret is configured (SPOTIFY_CLIENT_SECRET), so there is no app token"));
    }

    @GET
    @Path(SpotifyAccessToken.USER_PATH)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A Spotify access token for the user valid for at least 5 more minutes")
    @APIResponse(responseCode = "200", description = "The token and when it expires")
    @APIResponse(responseCode = "404", description = "No such member")
    @APIResponse(
            responseCode = "409",
            description = "The user must sign in again (problem type "
                    + "urn:audiospective:problem:needs-reauth): an AUTH failure, do not retry")
    @APIResponse(responseCode = "503", description = "Spotify accounts unavailable: retry later")
    public Response accessToken(
            @PathParam("userId") String userId,
            @Parameter(
                            description = "Fingerprint (io.audiospective.model.TokenFingerprint) of a token Spotify "
                                    + "refused before its expiry: if it is still the current one, it is renewed")
                    @QueryParam(SpotifyAccessToken.REJECTED_PARAMETER)
                    String rejected) {
        AccessTokenResult result = accessTokens.freshAccessToken(
                userId, rejected == null || rejected.isBlank() ? null : new TokenFingerprint(rejected));
        if (result instanceof AccessTokenResult.Granted granted) {
            return Response.ok(new SpotifyAccessToken(granted.accessToken(), granted.expiresAt()))
                    .build();
        }
        if (result instanceof AccessTokenResult.NeedsReauth) {
            return Problem.response(
                    409,
                    SpotifyAccessToken.NEEDS_REAUTH_TYPE,
                    "User must sign in again",
                    "Spotify no longer accepts this user's authorisation");
        }
        return Problem.response(Response.Status.NOT_FOUND, "No member with this id");
    }
}
