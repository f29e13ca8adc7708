package io.audiospective.auth.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.audiospective.auth.config.AuthConfig;
import io.audiospective.auth.repository.TokenRevocationRepository;
import io.audiospective.support.BeforeSchemaMigrated;
import io.audiospective.support.MemberKey;
import io.audiospective.support.security.ApiTokenRevocations;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * API token sessions and their revocation. The database holds the truth; Redis ({@link ApiTokenRevocations}) carries
 * it to every verifier of every service: written as a revocation commits and, from the database, every
 * {@code revocations-interval} again, so neither a failed write nor a flushed Redis loses one for longer than that.
 * Both keep a revocation under the member's {@link MemberKey}: it outlives a deleted member, their id must not.
 */
@ApplicationScoped
public class TokenRevocationService {

    private static final Logger LOG = Logger.getLogger(TokenRevocationService.class);
    /** Replicas' clocks may differ a little when they set a token's expiry. */
    private static final Duration CLOCK_MARGIN = Duration.ofMinutes(1);

    private static final Duration REDIS_WRITE_TIMEOUT = Duration.ofSeconds(2);

    private final TokenRevocationRepository revocations;
    private final ApiTokenRevocations shared;
    private final AuthConfig config;
    private final Clock clock;
    private volatile boolean reassertFailing;

    TokenRevocationService(
            TokenRevocationRepository revocations, ApiTokenRevocations shared, AuthConfig config, Clock clock) {
        this.revocations = revocations;
        this.shared = shared;
        this.config = config;
        this.clock = clock;
    }

    /** A new session number, above every number a revocation drew before. */
    public long newSession() {
        return QuarkusTransaction.joiningExisting().call(revocations::nextSession);
    }

    /**
     * Revokes every API token of the member issued so far, in the caller's transaction; {@link #announce} it once
     * that committed.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Revocation revokeAll(String userId) {
        Revocation revocation = new Revocation(
                userId,
                revocations.nextSession(),
                clock.instant().plus(config.apiToken().lifetime()).plus(CLOCK_MARGIN));
        revocations.raise(MemberKey.of(userId), revocation.minSession(), revocation.expiresAt());
        return revocation;
    }

    /** Tells every verifier at once; when Redis does not answer, the next re-assertion does. */
    public void announce(Revocation revocation) {
        try {
            shared.publish(revocation.userId(), revocation.minSession(), revocation.expiresAt())
                    .await()
                    .atMost(REDIS_WRITE_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.warnf(
                    "A revocation waits for Redis (re-asserted every %s): %s",
                    config.apiToken().revocationsInterval(), e.toString());
        }
    }

    /** The lowest session number the member's tokens may carry, when a revocation is in force. */
    @Transactional
    public Optional<Long> minSession(String userId) {
        return revocations.minSession(MemberKey.of(userId), clock.instant());
    }

    @Scheduled(
            every = "${audiospective.auth.api-token.revocations-interval:PT1S}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = BeforeSchemaMigrated.class)
    void reassert() {
        try {
            Map<String, ApiTokenRevocations.Entry> entries =
                    QuarkusTransaction.requiringNew().call(this::inForce);
            shared.publishAll(entries).await().atMost(REDIS_WRITE_TIMEOUT);
            reassertFailing = false;
        } catch (RuntimeException e) {
            // said once per outage, not every round
            if (!reassertFailing) {
                LOG.warnf("API token revocations not re-asserted in Redis: %s", e.toString());
            }
            reassertFailing = true;
        }
    }

    /** Deletes the revocations whose refused tokens have all expired, and returns the others by member key. */
    private Map<String, ApiTokenRevocations.Entry> inForce() {
        revocations.deleteExpired(clock.instant());
        Map<String, ApiTokenRevocations.Entry> entries = new HashMap<>();
        for (TokenRevocationRepository.StoredRevocation stored : revocations.all()) {
            entries.put(stored.memberKey(), new ApiTokenRevocations.Entry(stored.minSession(), stored.expiresAt()));
        }
        return entries;
    }

    public record Revocation(String userId, long minSession, Instant expiresAt) {}
}
