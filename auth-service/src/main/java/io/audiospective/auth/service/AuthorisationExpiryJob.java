package io.audiospective.auth.service;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.audiospective.support.BeforeSchemaMigrated;
import io.quarkus.scheduler.Scheduled;

/** Spotify refresh tokens die a fixed time after authorisation: such members are told to reconnect. */
@ApplicationScoped
public class AuthorisationExpiryJob {

    private static final Logger LOG = Logger.getLogger(AuthorisationExpiryJob.class);

    private final AccessTokenService accessTokens;

    AuthorisationExpiryJob(AccessTokenService accessTokens) {
        this.accessTokens = accessTokens;
    }

    @Scheduled(
            every = "${audiospective.auth.expiry-check-interval:1h}",
            delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = BeforeSchemaMigrated.class)
    void expireAuthorisations() {
        int expired = accessTokens.expireAuthorisations();
        if (expired > 0) {
            LOG.infof("%d members' Spotify authorisation expired; they are NEEDS_REAUTH", expired);
        }
    }
}
