package io.audiospective.auth.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.audiospective.auth.config.AuthConfig;
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

    private final EntityManager entityManager;
    private final ApiTokenRevocations shared;
    private final AuthConfig config;
    private final Clock clock;
    private volatile boolean reassertFailing;

    TokenRevocationService(EntityManager entityManager, ApiTokenRevocations shared, AuthConfig config, Clock clock) {
        this.entityManager = entityManager;
        this.shared = shared;
        this.config = config;
        this.clock = clock;
    }

    /** A new session number, above every number a revocation drew before. */
    public long newSession() {
        return QuarkusTransaction.joiningExisting().call(this::nextSession);
    }

    /**
     * Revokes every API token of the member issued so far, in the caller's transaction; {@link #announce} it once
     * that committed.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Revocation revokeAll(String userId) {
        Revocation revocation = new Revocation(
                userId,
                nextSession(),
                clock.instant().plus(config.apiToken().lifetime()).plus(CLOCK_MARGIN));
        entityManager
                .createNativeQuery("""
                INSERT INTO api_token_revocations (user_key, min_session, expires_at) VALUES (?1, ?2, ?3)
                ON CONFLICT (user_key) DO UPDATE SET
                    min_session = GREATEST(api_token_revocations.min_session, EXCLUDED.min_session),
                    expires_at = GREATEST(api_token_revocations.expires_at, EXCLUDED.expires_at)
                """)
                .setParameter(1, MemberKey.of(userId))
                .setParameter(2, revocation.minSession())
                .setParameter(3, revocation.expiresAt())
                .executeUpdate();
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
        @SuppressWarnings("unchecked")
        List<Number> found = entityManager
                .createNativeQuery(
                        "SELECT min_session FROM api_token_revocations WHERE user_key = ?1 AND expires_at > ?2")
                .setParameter(1, MemberKey.of(userId))
                .setParameter(2, clock.instant())
                .getResultList();
        return found.stream().findFirst().map(Number::longValue);
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
        Instant now = clock.instant();
        entityManager
                .createNativeQuery("DELETE FROM api_token_revocations WHERE expires_at <= ?1")
                .setParameter(1, now)
                .executeUpdate();
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager
                .createNativeQuery(
                        "SELECT user_key, min_session, CAST(floor(extract(epoch FROM expires_at)) AS bigint) FROM api_token_revocations")
                .getResultList();
        Map<String, ApiTokenRevocations.Entry> entries = new HashMap<>();
        for (Object[] row : rows) {
            entries.put(
                    (String) row[0],
                    new ApiTokenRevocations.Entry(
                            ((Number) row[1]).longValue(), Instant.ofEpochSecond(((Number) row[2]).longValue())));
        }
        return entries;
    }

    private long nextSession() {
        return ((Number) entityManager
                        .createNativeQuery("SELECT nextval('api_token_sessions')")
                        .getSingleResult())
                .longValue();
    }

    public record Revocation(String userId, long minSession, Instant expiresAt) {}
}
