package io.audiospective.api.rest;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * What the web dashboard (module web-dashboard, served at /) needs before anyone signs in: where browsers reach
 * auth-service, i.e. the issuer of the API tokens this service accepts (its public URL, not the in-cluster address
 * the JWKS is fetched from). Public, nothing secret.
 */
@Path("/dashboard/config")
@PermitAll
@Tag(name = "dashboard")
public class DashboardConfigResource {

    private final String authUrl;

    DashboardConfigResource(@ConfigProperty(name = "quarkus.oidc.token.issuer") String authUrl) {
        this.authUrl = authUrl.endsWith("/") ? authUrl.substring(0, authUrl.length() - 1) : authUrl;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Dashboard settings: the auth-service base URL (sign-in, account, token renewal)")
    public Response config() {
        return Response.ok(new DashboardConfig(authUrl))
                .header("Cache-Control", "public, max-age=300")
                .build();
    }

    public record DashboardConfig(String authUrl) {}
}
