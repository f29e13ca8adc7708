package io.audiospective.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.audiospective.model.SpotifyAccessToken;
import io.audiospective.testing.JsonShape;

/**
 * The consumer's side of auth-service's access-token contract: what the worker's tests get from {@link AuthServiceStub}
 * has the shape of shared-model's example, which auth-service's {@code AccessTokenTest} holds the served body to.
 */
class AccessTokenContractTest {

    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());

    @Test
    void theStubServesTheContractsShape() throws Exception {
        Instant expiresAt = Instant.parse("2026-12-03T21:00:00.123456Z");

        String served = AuthServiceStub.accessTokenBody("stub-token", expiresAt);

        assertThat(JsonShape.of(served)).isEqualTo(JsonShape.of(SpotifyAccessToken.exampleJson()));
        assertThat(json.readValue(served, SpotifyAccessToken.class))
                .isEqualTo(new SpotifyAccessToken("stub-token", expiresAt));
    }

    @Test
    void theWorkerReadsTheContractsExample() throws Exception {
        assertThat(json.readValue(SpotifyAccessToken.exampleJson(), SpotifyAccessToken.class))
                .isEqualTo(new SpotifyAccessToken(
                        "BQexample-not-a-real-spotify-access-token", Instant.parse("2026-12-03T21:00:00Z")));
    }

    @Test
    void theTokenNeverReachesALogLine() {
        assertThat(new SpotifyAccessToken("secret-token", Instant.EPOCH).toString())
                .doesNotContain("secret-token");
    }
}
