package io.audiospective.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.audiospective.archive.config.ArchiveConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * archive-worker's own application.properties with nothing exported: dev mode uses auth-service's development-only
 * service credential, production refuses to start without SERVICE_TOKEN.
 */
class ProfileSecretsTest {

    @Test
    void devModeUsesTheDevelopmentOnlyServiceCredential() throws IOException {
        assertThat(config("dev").getConfigMapping(ArchiveConfig.class).serviceToken())
                .isEqualTo("dev-only-service-token");
    }

    @Test
    void productionRefusesToStartWithoutTheServiceCredential() {
        assertThatThrownBy(() -> config("prod")).hasMessageContaining("SERVICE_TOKEN");
    }

    private static SmallRyeConfig config(String profile) throws IOException {
        return new SmallRyeConfigBuilder()
                .withProfile(profile)
                .withSources(new PropertiesConfigSource(
                        ProfileSecretsTest.class.getClassLoader().getResource("application.properties"), 250))
                .withSources(new PropertiesConfigSource(Map.of(), "environment", 300))
                .withMapping(ArchiveConfig.class)
                .build();
    }
}
