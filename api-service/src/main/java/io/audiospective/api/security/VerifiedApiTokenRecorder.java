package io.audiospective.api.security;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;

/**
 * Hands every identity a token provider produced to {@link VerifiedApiTokens}, before any other augmentor: what is
 * kept is the provider's identity as it verified it, and the other augmentors (the revocation check) run on it again
 * at every request that reuses it.
 */
@ApplicationScoped
public class VerifiedApiTokenRecorder implements SecurityIdentityAugmentor {

    private final VerifiedApiTokens tokens;

    VerifiedApiTokenRecorder(VerifiedApiTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public int priority() {
        return Integer.MAX_VALUE;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (!identity.isAnonymous()) {
            tokens.remember(identity);
        }
        return Uni.createFrom().item(identity);
    }
}
