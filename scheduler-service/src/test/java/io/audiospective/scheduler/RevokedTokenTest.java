package io.audiospective.scheduler;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.audiospective.testing.RevokedTokenCheck;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * scheduler-service refuses the API tokens auth-service revoked (sign-out, deletion) within a second: a member's token
 * is refused (401), no longer just forbidden (403).
 */
@QuarkusTest
class RevokedTokenTest {

    @Inject
    RedisDataSource redis;

    @Test
    void tokensOfARevokedSessionAreRefusedWithinASecondAndLaterSessionsAdmitted() {
        new RevokedTokenCheck("/admin/users/{id}/schedule", 403).assertRevokedSessionsRefused(redis);
    }
}
