package io.audiospective.auth.rest;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.audiospective.auth.config.AuthConfig;
import io.audiospective.auth.service.ApiTokenService;
import io.audiospective.auth.service.MembershipService;
import io.audiospective.auth.service.SignInOutcome;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.OidcSession;
import io.quarkus.oidc.UserInfo;
import io.quarkus.security.Authenticated;

/**
 * Sign-in with Spotify. {@code /login} checks the founding-member cap before anyone is sent to Spotify;
 * {@code /login/spotify} runs the OAuth code flow with PKCE (quarkus-oidc) and is also its redirect URI, so the
 * Spotify tokens are at hand in the request that completes the flow.
 */
@Path("/")
public class LoginResource {

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    private final MembershipService membership;
    private final ApiTokenService apiTokens;
    private final AuthConfig config;
    private final UserInfo userInfo;
    private final AccessTokenCredential spotifyAccessToken;
    private final OidcSession oidcSession;

    LoginResource(MembershipService membership, ApiTokenService apiTokens, AuthConfig config, UserInfo userInfo,
            AccessTokenCredential spotifyAccessToken, OidcSession oidcSession) {
        this.membership = membership;
        this.apiTokens = apiTokens;
        this.config = config;
        this.userInfo = userInfo;
        this.spotifyAccessToken = spotifyAccessToken;
        this.oidcSession = oidcSession;
    }

    @GET
    @Path("login")
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Start signing in: to Spotify when a seat is free, else the waitlist page")
    public Response login() {
        if (membership.hasFreeSeat()) {
            return Response.seeOther(URI.create("/login/spotify")).build();
        }
        return Response.ok(Pages.waitlist(null)).build();
    }

    @GET
    @Path("login/spotify")
    @Authenticated
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Spotify authorisation (code flow with PKCE); completes the sign-in")
    public Response completeSignIn() {
        String userId = userInfo.getString("id");
        String displayName = userInfo.getString("display_name");
        var refreshToken = spotifyAccessToken.getRefreshToken();
        SignInOutcome outcome = membership.signIn(userId, displayName,
                refreshToken == null ? null : refreshToken.getToken(), spotifyAccessToken.getToken());
        // The browser keeps no Spotify session: the tokens are in the vault, the API token is all it needs.
        oidcSession.logout().await().indefinitely();
        if (outcome == SignInOutcome.WAITLISTED) {
            return Response.ok(Pages.waitlist("Sorry, the last founding seat was just taken.")).build();
        }
        ApiTokenService.IssuedToken token = apiTokens.issue(userId, membership.rolesOf(userId));
        return Response.seeOther(URI.create(config.frontendUrl() + "#access_token="
                + URLEncoder.encode(token.token(), StandardCharsets.UTF_8) + "&token_type=Bearer&expires_at="
                + token.expiresAt().getEpochSecond())).build();
    }

    @POST
    @Path("waitlist")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Leave an e-mail address on the waitlist")
    public Response joinWaitlist(@FormParam("email") String email) {
        if (email == null || email.length() > 254 || !EMAIL.matcher(email.trim()).matches()) {
            return Problem.response(Response.Status.BAD_REQUEST, "Please give a valid e-mail address");
        }
        membership.joinWaitlist(email.trim().toLowerCase());
        return Response.ok(Pages.onWaitlist()).build();
    }
}
