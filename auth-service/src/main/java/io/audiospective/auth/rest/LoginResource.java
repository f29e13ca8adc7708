package io.audiospective.auth.rest;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import io.audiospective.auth.config.AuthConfig;
import io.audiospective.auth.service.ApiTokenService;
import io.audiospective.auth.service.ClaimCheck;
import io.audiospective.auth.service.MailLinks;
import io.audiospective.auth.service.MembershipService;
import io.audiospective.auth.service.SignInOutcome;
import io.audiospective.support.rest.Problem;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.UserInfo;
import io.quarkus.security.Authenticated;
import io.vertx.core.http.HttpServerResponse;

/**
 * Sign-in with Spotify. {@code /login} checks the founding-member cap before anyone is sent to Spotify;
 * {@code /login/spotify} runs the OAuth code flow with PKCE (quarkus-oidc) and is also its redirect URI, so the
 * Spotify tokens are at hand in the request that completes the flow. A frontend that starts the sign-in with
 * {@code /login?state=...} gets that state back beside the API token, so it can refuse a token from a sign-in it did
 * not start (login CSRF).
 */
@Path("/")
public class LoginResource {

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    /** The value a frontend (the dashboard) passes to /login and gets back beside the API token. */
    private static final Pattern FRONTEND_STATE = Pattern.compile("^[A-Za-z0-9_-]{16,128}$");
    /** Carries the frontend's state through the Spotify round trip; read only by the callback. */
    public static final String FRONTEND_STATE_COOKIE = "audiospective_frontend_state";
    /** Carries a followed waitlist claim link (entry and token) through the Spotify round trip. */
    public static final String CLAIM_COOKIE = "audiospective_claim";
    /** quarkus-oidc's session cookie (default name); a completed sign-in must not leave it behind. */
    static final String SESSION_COOKIE = "q_session";

    private static final String SIGN_IN_PATH = "/login/spotify";

    private final MembershipService membership;
    private final ApiTokenService apiTokens;
    private final AuthConfig config;
    private final UserInfo userInfo;
    private final AccessTokenCredential spotifyAccessToken;
    private final MailLinks mailLinks;

    LoginResource(
            MembershipService membership,
            ApiTokenService apiTokens,
            AuthConfig config,
            UserInfo userInfo,
            AccessTokenCredential spotifyAccessToken,
            MailLinks mailLinks) {
        this.membership = membership;
        this.apiTokens = apiTokens;
        this.config = config;
        this.userInfo = userInfo;
        this.spotifyAccessToken = spotifyAccessToken;
        this.mailLinks = mailLinks;
    }

    @GET
    @Path("login")
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Start signing in: to Spotify when a seat is free, else the waitlist page")
    public Response login(@QueryParam("state") String frontendState) {
        if (frontendState != null && !FRONTEND_STATE.matcher(frontendState).matches()) {
            return Problem.response(
                    Response.Status.BAD_REQUEST, "state must be 16 to 128 characters of A-Z, a-z, 0-9, '-' and '_'");
        }
        // without a seat the waitlist page's member link continues the same sign-in, so the cookie is set either way
        Response.ResponseBuilder answer = membership.hasFreeSeat()
                ? Response.seeOther(URI.create(SIGN_IN_PATH))
                : Response.ok(Pages.waitlist(null));
        if (frontendState != null) {
            answer.cookie(frontendStateCookie(frontendState, Duration.ofMinutes(15)));
        }
        return answer.build();
    }

    @GET
    @Path("login/spotify")
    @Authenticated
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Spotify authorisation (code flow with PKCE); completes the sign-in")
    public Response completeSignIn(
            @CookieParam(FRONTEND_STATE_COOKIE) String frontendState,
            @CookieParam(CLAIM_COOKIE) String claimCookie,
            @Context HttpServerResponse response) {
        // The browser keeps no session: the Spotify tokens go to the vault and the API token is all it needs, so
        // the next visit goes to Spotify again. quarkus-oidc has just added its session cookie to this answer;
        // removed there (first, so an error below cannot send it either), it is never sent.
        response.removeCookies(SESSION_COOKIE);
        String userId = userInfo.getString("id");
        String displayName = userInfo.getString("display_name");
        String email = userInfo.getString("email");
        var refreshToken = spotifyAccessToken.getRefreshToken();
        SignInOutcome outcome = membership.signIn(
                userId,
                displayName,
                email == null || !EMAIL.matcher(email).matches() ? null : email,
                refreshToken == null ? null : refreshToken.getToken(),
                spotifyAccessToken.getToken(),
                claimOf(claimCookie));
        Response.ResponseBuilder answer;
        if (outcome == SignInOutcome.WAITLISTED) {
            answer = Response.ok(Pages.waitlist(
                    claimCookie == null
                            ? "Sorry, the last founding seat was just taken."
                            : "Your reserved seat is no longer yours to claim: the claim expired or was used."));
        } else {
            ApiTokenService.IssuedToken token = apiTokens.issue(userId, membership.rolesOf(userId));
            StringBuilder fragment = new StringBuilder("#access_token=")
                    .append(URLEncoder.encode(token.token(), StandardCharsets.UTF_8))
                    .append("&token_type=Bearer&expires_at=")
                    .append(token.expiresAt().getEpochSecond());
            // the frontend accepts the token only with the state it stored when it started this sign-in
            if (frontendState != null && FRONTEND_STATE.matcher(frontendState).matches()) {
                fragment.append("&state=").append(frontendState);
            }
            answer = Response.seeOther(URI.create(config.frontendUrl() + fragment));
        }
        if (frontendState != null) {
            answer.cookie(frontendStateCookie("", Duration.ZERO));
        }
        if (claimCookie != null) {
            answer.cookie(signInCookie(CLAIM_COOKIE, "", Duration.ZERO));
        }
        return answer.build();
    }

    private static MembershipService.Claim claimOf(String cookie) {
        if (cookie == null) {
            return null;
        }
        String[] parts = cookie.split("\\.", 2);
        try {
            return parts.length == 2 ? new MembershipService.Claim(Long.parseLong(parts[0]), parts[1]) : null;
        } catch (NumberFormatException forged) {
            return null;
        }
    }

    @GET
    @Path("waitlist/claim")
    @Produces(MediaType.TEXT_HTML)
    @APIResponse(responseCode = "303", description = "The claim is open: on to the Spotify sign-in that takes the seat")
    @APIResponse(responseCode = "400", description = "The link is not valid (problem details)")
    @APIResponse(responseCode = "410", description = "The claim expired or was used (problem details)")
    @Operation(summary = "The link of the admission mail: signs in with Spotify and takes the seat reserved for it")
    public Response claimSeat(@QueryParam("entry") Long entry, @QueryParam("token") String token) {
        // only looked at here: the claim is used in the sign-in that completes, so a mail scanner opening it takes
        // nothing
        ClaimCheck check = entry == null || token == null ? ClaimCheck.UNKNOWN : membership.checkClaim(entry, token);
        return switch (check) {
            case OPEN ->
                Response.seeOther(URI.create(SIGN_IN_PATH))
                        .cookie(signInCookie(CLAIM_COOKIE, entry + "." + token, Duration.ofMinutes(15)))
                        .build();
            case UNKNOWN -> Problem.response(Response.Status.BAD_REQUEST, "This claim link is not valid");
            case EXPIRED ->
                Problem.response(
                        Response.Status.GONE,
                        "This claim link has expired: the seat went to the next person on the waitlist");
            case USED ->
                Problem.response(
                        Response.Status.GONE, "This claim link was used: its seat is taken. Members sign in at /login");
        };
    }

    private NewCookie frontendStateCookie(String value, Duration maxAge) {
        return signInCookie(FRONTEND_STATE_COOKIE, value, maxAge);
    }

    /** A cookie read only by the sign-in's callback. */
    private NewCookie signInCookie(String name, String value, Duration maxAge) {
        return new NewCookie.Builder(name)
                .value(value)
                .path(SIGN_IN_PATH)
                .maxAge((int) maxAge.toSeconds())
                .httpOnly(true)
                .secure(config.secureCookies())
                // Lax: sent on the top-level navigation back from Spotify, never on cross-site subrequests
                .sameSite(NewCookie.SameSite.LAX)
                .build();
    }

    @POST
    @Path("waitlist")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Leave an e-mail address on the waitlist")
    public Response joinWaitlist(@FormParam("email") String email) {
        if (email == null
                || email.length() > 254
                || !EMAIL.matcher(email.trim()).matches()) {
            return Problem.response(Response.Status.BAD_REQUEST, "Please give a valid e-mail address");
        }
        membership.joinWaitlist(email.trim().toLowerCase());
        return Response.ok(Pages.onWaitlist()).build();
    }

    @GET
    @Path("waitlist/confirm")
    @Produces(MediaType.TEXT_HTML)
    @APIResponse(responseCode = "200", description = "The address is confirmed")
    @APIResponse(responseCode = "400", description = "The link is not valid (problem details)")
    @Operation(summary = "The link of the waitlist's confirmation mail: confirms the address is its owner's")
    public Response confirmWaitlist(@QueryParam("entry") Long entry, @QueryParam("token") String token) {
        if (entry == null
                || !membership.confirmWaitlist(entry, email -> mailLinks.verifyWaitlist(entry, email, token))) {
            return Problem.response(Response.Status.BAD_REQUEST, "This confirmation link is not valid");
        }
        return Response.ok(Pages.waitlistConfirmed()).build();
    }
}
