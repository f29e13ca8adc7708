package io.audiospective.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.audiospective.auth.config.AuthConfig;
import io.audiospective.auth.config.OidcStateSecretRequired;
import io.audiospective.auth.service.TokenVault;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * auth-service's own application.properties with nothing exported: dev mode starts on development-only secrets,
 * production refuses to start and names each missing secret.
 */
class ProfileSecretsTest {

    private static final String STATE_SECRET = "quarkus.oidc.authentication.state-secret";

    @Test
    void devModeNeedsNothingExported() {
        SmallRyeConfig config = config("dev");
        AuthConfig auth = config.getConfigMapping(AuthConfig.class);

        assertThat(auth.serviceToken()).startsWith("dev-only-");
        assertThat(new TokenVault(auth).activeKeyId()).isEqualTo("dev-only");
        assertThat(config.getValue(STATE_SECRET, String.class)).startsWith("dev-only-");
        new OidcStateSecretRequired(config.getOptionalValue(STATE_SECRET, String.class));
    }

    @Test
    void productionNamesEachMissingSecret() {
        assertThatThrownBy(() -> config("prod"))
                .hasMessageContainingAll("SERVICE_TOKEN", "VAULT_KEYS", "VAULT_ACTIVE_KEY_ID");
    }

    @Test
    void productionRefusesToStartWithoutTheOidcStateSecret() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withProfile("prod")
                .withSources(properties())
                .build();

        // whether the unset variable already fails the look-up or leaves the secret empty, the start fails naming it
        assertThatThrownBy(() -> new OidcStateSecretRequired(config.getOptionalValue(STATE_SECRET, String.class)))
                .hasMessageContaining("OIDC_STATE_SECRET");
    }

    private static SmallRyeConfig config(String profile) {
        return new SmallRyeConfigBuilder()
                .withProfile(profile)
                .withSources(properties())
                .withSources(new PropertiesConfigSource(Map.of(), "environment", 300))
                .withMapping(AuthConfig.class)
                .build();
    }

    private static PropertiesConfigSource properties() {
        try {
            return new PropertiesConfigSource(
                    ProfileSecretsTest.class.getClassLoader().getResource("application.properties"), 250);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
