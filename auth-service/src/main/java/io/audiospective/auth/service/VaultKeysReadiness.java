package io.audiospective.auth.service;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * DOWN while stored Spotify tokens are sealed with a key VAULT_KEYS no longer holds: those members could never be
 * polled again. A release that retires a key too early so never becomes ready, and the old replicas keep serving.
 * The data shows how many values each key still seals, so a key is retired when its count is 0.
 */
@Readiness
@ApplicationScoped
public class VaultKeysReadiness implements HealthCheck {

    static final String NAME = "vault-keys";

    private final VaultRotation rotation;

    VaultKeysReadiness(VaultRotation rotation) {
        this.rotation = rotation;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
        try {
            VaultRotation.Usage usage = rotation.usage();
            usage.valuesPerKey().forEach((key, count) -> response.withData("values sealed with " + key, count));
            if (!usage.unconfiguredKeys().isEmpty()) {
                return response.down()
                        .withData(
                                "reason",
                                "stored tokens are sealed with vault key(s) "
                                        + String.join(", ", usage.unconfiguredKeys())
                                        + " that VAULT_KEYS no longer holds; put them back until the rotation moved those values")
                        .build();
            }
            return response.up().build();
        } catch (RuntimeException e) {
            // PostgreSQL's own readiness check reports the outage; this one cannot tell meanwhile
            return response.down()
                    .withData(
                            "reason", "vault key usage unknown: " + e.getClass().getSimpleName())
                    .build();
        }
    }
}
