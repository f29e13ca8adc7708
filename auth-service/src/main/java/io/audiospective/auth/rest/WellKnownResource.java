package io.audiospective.auth.rest;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.audiospective.auth.config.AuthConfig;
import io.audiospective.auth.service.ApiTokenService;

/** OIDC discovery and JWKS, so api-service verifies API tokens with quarkus-oidc and no shared secret. */
@Path("/.well-known")
@Produces(MediaType.APPLICATION_JSON)
public class WellKnownResource {

    private final ApiTokenService apiTokens;
    private final AuthConfig config;

    WellKnownResource(ApiTokenService apiTokens, AuthConfig config) {
        this.apiTokens = apiTokens;
        this.config = config;
    }

    @GET
    @Path("/openid-configuration")
    @Operation(summary = "OIDC discovery document of the API token issuer")
    public Map<String, Object> discovery() {
        String issuer = config.apiToken().issuer();
        return Map.of(
                "issuer", issuer,
                "jwks_uri", issuer + "/.well-known/jwks.json",
                "id_token_signing_alg_values_supported", List.of("RS256"),
                "subject_types_supported", List.of("public"),
                "response_types_supported", List.of("code"));
    }

    @GET
    @Path("/jwks.json")
    @Operation(summary = "Public keys that sign API tokens")
    public Map<String, Object> jwks() {
        return apiTokens.jwks();
    }
}
