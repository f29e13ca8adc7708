package io.audiospective.auth.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.auth.config.AuthConfig;
import io.audiospective.auth.service.ApiTokenService;
import io.audiospective.support.security.ApiTokenRevocations;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Bearer authentication of the API and internal endpoints: either an API token issued by this service (roles
 * {@code user}, maybe {@code admin}) and not revoked ({@link ApiTokenRevocations}), or the other services' shared
 * credential (role {@code service}).
 */
@ApplicationScoped
public class ApiTokenAuthenticationMechanism implements HttpAuthenticationMechanism {

    public static final String SCHEME = "api-token";
    public static final String ROLE_SERVICE = "service";
    /** The identity's {@link ApiTokenService.VerifiedToken}, for renewal. */
    public static final String VERIFIED_TOKEN = "verified-token";

    private final ApiTokenService apiTokens;
    private final ApiTokenRevocations revocations;
    private final byte[] serviceToken;

    ApiTokenAuthenticationMechanism(ApiTokenService apiTokens, ApiTokenRevocations revocations, AuthConfig config) {
        this.apiTokens = apiTokens;
        this.revocations = revocations;
        this.serviceToken = config.serviceToken().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviders) {
        String header = context.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Uni.createFrom().nullItem();
        }
        String token = header.substring(7).trim();
        if (MessageDigest.isEqual(serviceToken, token.getBytes(StandardCharsets.UTF_8))) {
            return Uni.createFrom()
                    .item(QuarkusSecurityIdentity.builder()
                            .setPrincipal(new QuarkusPrincipal("service"))
                            .addRole(ROLE_SERVICE)
                            .build());
        }
        return apiTokens
                .verify(token)
                .map(verified -> revocations
                        .refuses(verified.userId(), verified.session())
                        .onFailure()
                        .transform(e -> new AuthenticationFailedException("Revocations unknown", e))
                        .<SecurityIdentity>map(revoked -> {
                            if (revoked) {
                                throw new AuthenticationFailedException("Revoked API token");
                            }
                            return QuarkusSecurityIdentity.builder()
                                    .setPrincipal(new QuarkusPrincipal(verified.userId()))
                                    .addRoles(verified.roles())
                                    .addAttribute(VERIFIED_TOKEN, verified)
                                    .build();
                        }))
                .orElseGet(() -> Uni.createFrom().failure(new AuthenticationFailedException("Invalid API token")));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer"));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of();
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, SCHEME));
    }
}
