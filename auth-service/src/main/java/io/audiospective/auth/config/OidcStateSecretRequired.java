package io.audiospective.auth.config;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.Startup;

/**
 * Refuses to start without OIDC_STATE_SECRET. Quarkus OIDC would generate a secret per start, so a sign-in begun
 * before a restart, or on another replica, could not be finished.
 */
@Startup
@ApplicationScoped
public class OidcStateSecretRequired {

    public OidcStateSecretRequired(
            @ConfigProperty(name = "quarkus.oidc.authentication.state-secret") Optional<String> stateSecret) {
        if (stateSecret.filter(secret -> !secret.isBlank()).isEmpty()) {
            throw new IllegalStateException("OIDC_STATE_SECRET is not set: every replica must encrypt the sign-in"
                    + " state with the same secret (at least 32 characters, from a secret)");
        }
    }
}
