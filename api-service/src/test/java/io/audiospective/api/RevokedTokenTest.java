package io.audiospective.api;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.audiospective.testing.RevokedTokenCheck;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;

/** api-service refuses the API tokens auth-service revoked (sign-out, deletion) within a second. */
@QuarkusTest
class RevokedTokenTest {

    @Inject
    RedisDataSource redis;

    @Test
    void tokensOfARevokedSessionAreRefusedWithinASecondAndLaterSessionsAdmitted() {
        new RevokedTokenCheck("/api/v1/me", 200).assertRevokedSessionsRefused(redis);
    }
}
