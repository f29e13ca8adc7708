package io.audiospective.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Clock;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.audiospective.auth.config.AuthConfig;
import io.audiospective.auth.service.ApiTokenService;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * auth-service's own application.properties under a given profile: in production a replica without
 * API_TOKEN_SIGNING_KEY refuses to start (it would sign tokens the other replicas reject), in dev mode it may
 * generate a key.
 */
class SigningKeyRequiredTest {

    /** The secrets production always has, as the environment would give them; the signing key is left out. */
    private static final Map<String, String> OTHER_SECRETS = Map.of(
            "SERVICE_TOKEN",
            "service",
            "VAULT_KEYS",
            "k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "VAULT_ACTIVE_KEY_ID",
            "k1",
            "OIDC_STATE_SECRET",
            "state");

    @Test
    void productionRefusesToStartWithoutTheSigningKey() throws IOException {
        assertThatThrownBy(() -> new ApiTokenService(config("prod"), Clock.systemUTC(), null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("API_TOKEN_SIGNING_KEY");
    }

    @Test
    void devModeGeneratesAKey() throws IOException {
        ApiTokenService service = new ApiTokenService(config("dev"), Clock.systemUTC(), null);
        assertThat(service.jwks()).containsKey("keys");
    }

    private static AuthConfig config(String profile) throws IOException {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withProfile(profile)
                .withSources(new PropertiesConfigSource(
                        SigningKeyRequiredTest.class.getClassLoader().getResource("application.properties"), 250))
                .withSources(new PropertiesConfigSource(OTHER_SECRETS, "environment", 300))
                .withMapping(AuthConfig.class)
                .build();
        return config.getConfigMapping(AuthConfig.class);
    }
}
