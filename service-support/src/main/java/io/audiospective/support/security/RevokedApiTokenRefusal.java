package io.audiospective.support.security;

import jakarta.json.JsonNumber;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;

/**
 * Refuses API tokens that auth-service revoked (sign-out, account deletion): a verified signature is not enough. A
 * token without a session number predates sessions and counts as the oldest. A service that verifies API tokens as
 * JWTs makes it a bean by a subclass of its own.
 */
public abstract class RevokedApiTokenRefusal implements SecurityIdentityAugmentor {

    private final ApiTokenRevocations revocations;

    protected RevokedApiTokenRefusal(ApiTokenRevocations revocations) {
        this.revocations = revocations;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            return Uni.createFrom().item(identity);
        }
        return revocations
                .refuses(token.getSubject(), session(token.getClaim(ApiTokenRevocations.SESSION_CLAIM)))
                .onFailure()
                .transform(e -> new AuthenticationFailedException("API token revocations unknown", e))
                .map(revoked -> {
                    if (revoked) {
                        throw new AuthenticationFailedException("Revoked API token");
                    }
                    return identity;
                });
    }

    /** The claim as the JWT library hands it over: a JSON number or a Java one. */
    private static long session(Object claim) {
        if (claim instanceof JsonNumber number) {
            return number.longValue();
        }
        return claim instanceof Number number ? number.longValue() : 0;
    }
}
