package io.audiospective.api.security;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.audiospective.api.config.ApiConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;

/**
 * API tokens this process verified, admitted again without verifying them again. Verifying a token (parsing its JSON
 * parts, checking its RS256 signature) cost more CPU than answering a cached statistics read from memory, and a
 * dashboard sends the same token with every request. The key is the whole token, signature included, so only the
 * exact token that passed OIDC's checks is admitted; it is kept until it expires, and no longer than
 * {@code verified-tokens.ttl}. Anything not kept goes to OIDC's provider, next in line. Revocations
 * ({@link RevokedApiTokens}, an augmentor) are checked on every request all the same.
 */
@ApplicationScoped
public class VerifiedApiTokens implements IdentityProvider<TokenAuthenticationRequest> {

    private record Verified(SecurityIdentity identity, Instant expiresAt) {}

    private final Cache<String, Verified> verified;
    private final Clock clock;
    private final Counter reused;

    VerifiedApiTokens(ApiConfig config, Clock clock, MeterRegistry metrics) {
        this.verified = Caffeine.newBuilder()
                .maximumSize(config.verifiedTokens().maxSize())
                .expireAfterWrite(config.verifiedTokens().ttl())
                .build();
        this.clock = clock;
        this.reused = metrics.counter("audiospective.api.tokens.reused");
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    /** Before OIDC's provider (priority {@code SYSTEM_FIRST + 1}), which verifies what is not kept here. */
    @Override
    public int priority() {
        return Integer.MAX_VALUE;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
            TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        Verified kept = verified.getIfPresent(request.getToken().getToken());
        if (kept == null || !kept.expiresAt().isAfter(clock.instant())) {
            return Uni.createFrom().nullItem();
        }
        reused.increment();
        // kept without a routing context: this request's goes in
        return Uni.createFrom()
                .item(QuarkusSecurityIdentity.builder(kept.identity())
                        .addAttribute(
                                HttpSecurityUtils.ROUTING_CONTEXT_ATTRIBUTE,
                                HttpSecurityUtils.getRoutingContextAttribute(request))
                        .build());
    }

    /** Keeps an identity OIDC verified from a token with an expiry ({@link VerifiedApiTokenRecorder}). */
    void remember(SecurityIdentity identity) {
        if (!(identity.getPrincipal() instanceof JsonWebToken jwt) || jwt.getExpirationTime() <= 0) {
            return;
        }
        TokenCredential credential = identity.getCredential(TokenCredential.class);
        if (credential == null
                || credential.getToken() == null
                || !credential.getToken().equals(jwt.getRawToken())
                || verified.getIfPresent(credential.getToken()) != null) {
            return;
        }
        // kept without the verifying request's routing context, which would otherwise stay in memory with it
        SecurityIdentity kept = QuarkusSecurityIdentity.builder(identity)
                .addAttribute(HttpSecurityUtils.ROUTING_CONTEXT_ATTRIBUTE, null)
                .build();
        verified.asMap()
                .putIfAbsent(credential.getToken(), new Verified(kept, Instant.ofEpochSecond(jwt.getExpirationTime())));
    }
}
