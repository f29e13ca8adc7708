package io.audiospective.emulator.rest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.audiospective.emulator.SyntheticUser;
import io.audiospective.emulator.service.SpotifyJson;
import io.audiospective.emulator.service.TokenService;
import io.audiospective.emulator.service.UserRegistry;
import io.smallrye.mutiny.Uni;

/** Spotify's accounts service: the authorisation page and the token endpoint. */
@Path("/")
public class AccountsResource {

    @Inject
    TokenService tokens;

    @Inject
    UserRegistry users;

    @Inject
    ApiGate gate;

    @Inject
    SpotifyJson json;

    /**
     * {@code GET /authorize}. Shows a login page listing the synthetic users; with {@code login_hint=<user id>}
     * approves at once and redirects (for automation). A wrong client or redirect URI gets an error page and
     * never a redirect.
     */
    @GET
    @Path("/authorize")
    public Response authorize(
            @QueryParam("client_id") String clientId,
            @QueryParam("response_type") String responseType,
            @QueryParam("redirect_uri") String redirectUri,
            @QueryParam("state") String state,
            @QueryParam("scope") String scope,
            @QueryParam("code_challenge") String codeChallenge,
            @QueryParam("code_challenge_method") String codeChallengeMethod,
            @QueryParam("login_hint") String loginHint,
            @QueryParam("deny") String deny,
            @Context UriInfo uriInfo) {
        if (clientId == null || !tokens.knownClient(clientId)) {
            return errorPage("INVALID_CLIENT: Invalid client");
        }
        if (!tokens.allowedRedirect(redirectUri)) {
            return errorPage("INVALID_CLIENT: Invalid redirect URI");
        }
        if (!"code".equals(responseType)) {
            return redirect(redirectUri, "error", "unsupported_response_type", state);
        }
        if (codeChallenge != null && !"S256".equals(codeChallengeMethod)) {
            return redirect(redirectUri, "error", "invalid_request", state);
        }
        if (codeChallenge == null && codeChallengeMethod != null) {
            return redirect(redirectUri, "error", "invalid_request", state);
        }
        if (!TokenService.validScopeString(scope)) {
            return redirect(redirectUri, "error", "invalid_scope", state);
        }
        if (deny != null) {
            return redirect(redirectUri, "error", "access_denied", state);
        }
        SyntheticUser user = users.find(loginHint);
        if (user != null) {
            String code = tokens.issueCode(clientId, redirectUri, user.id(), scope, codeChallenge);
            return redirect(redirectUri, "code", code, state);
        }
        return loginPage(uriInfo);
    }

    @POST
    @Path("/api/token")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> token(
            MultivaluedMap<String, String> form, @HeaderParam("Authorization") String authorization) {
        return gate.accounts("POST /api/token", () -> {
            Map<String, String> params = new HashMap<>();
            form.forEach((k, v) -> params.put(k, v == null || v.isEmpty() ? null : v.get(0)));
            TokenService.TokenResult result = tokens.token(params, authorization);
            return Response.status(result.status())
                    .type(MediaType.APPLICATION_JSON)
                    .header("Cache-Control", "no-store")
                    .entity(json.write(result.body()))
                    .build();
        });
    }

    private static Response redirect(String redirectUri, String key, String value, String state) {
        StringBuilder target = new StringBuilder(redirectUri)
                .append(redirectUri.contains("?") ? '&' : '?')
                .append(key)
                .append('=')
                .append(enc(value));
        if (state != null) {
            target.append("&state=").append(enc(state));
        }
        return Response.status(Response.Status.FOUND)
                .header("Location", target.toString())
                .build();
    }

    private Response loginPage(UriInfo uriInfo) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
                + "<title>Log in - Spotify emulator</title></head><body>"
                + "<h1>Spotify emulator</h1><p>Log in as one of the synthetic users:</p><ul>");
        MultivaluedMap<String, String> q = uriInfo.getQueryParameters();
        for (SyntheticUser u : users.all()) {
            html.append("<li><a href=\"")
                    .append(escape(authorizeUrl(q, "login_hint", u.id())))
                    .append("\">")
                    .append(escape(u.displayName()))
                    .append(" (")
                    .append(escape(u.id()))
                    .append(", ")
                    .append(u.profile().name().toLowerCase(java.util.Locale.ROOT))
                    .append(")</a></li>");
        }
        html.append("</ul><p><a href=\"")
                .append(escape(authorizeUrl(q, "deny", "1")))
                .append("\">Cancel</a></p></body></html>");
        return Response.ok(html.toString(), MediaType.TEXT_HTML + ";charset=utf-8")
                .build();
    }

    private static String authorizeUrl(MultivaluedMap<String, String> query, String extraKey, String extraValue) {
        StringBuilder sb = new StringBuilder("/authorize?");
        query.forEach((k, values) -> {
            if (!k.equals("login_hint") && !k.equals("deny")) {
                for (String v : values) {
                    sb.append(enc(k)).append('=').append(enc(v)).append('&');
                }
            }
        });
        return sb.append(enc(extraKey)).append('=').append(enc(extraValue)).toString();
    }

    private static Response errorPage(String message) {
        String html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Error - Spotify emulator</title>"
                + "</head><body><h1>Oops! Something went wrong</h1><p>" + escape(message) + "</p></body></html>";
        return Response.status(400)
                .type(MediaType.TEXT_HTML + ";charset=utf-8")
                .entity(html)
                .build();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
