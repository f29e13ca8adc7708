package io.audiospective.auth.service;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.Claims;
import org.jboss.logging.Logger;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;

import io.audiospective.auth.config.AuthConfig;
import io.audiospective.support.security.ApiTokenRevocations;
import io.audiospective.support.security.PemKeys;
import io.quarkus.runtime.Startup;
import io.smallrye.jwt.build.Jwt;

/**
 * Issues and verifies the signed API tokens (RS256 JWT) that frontends send to api-service. The public key is
 * published as JWKS, so verifiers need no shared secret. Created at start, so a production replica without the
 * shared signing key refuses to start instead of signing tokens the others reject.
 */
@Startup
@ApplicationScoped
public class ApiTokenService {

    private static final Logger LOG = Logger.getLogger(ApiTokenService.class);

    private final AuthConfig config;
    private final Clock clock;
    private final TokenRevocationService revocations;
    private final PrivateKey privateKey;
    private final RsaJsonWebKey publicJwk;
    private final JwtConsumer consumer;

    public ApiTokenService(AuthConfig config, Clock clock, TokenRevocationService revocations) {
        this.config = config;
        this.clock = clock;
        this.revocations = revocations;
        KeyPair keys = config.apiToken()
                .signingKey()
                .map(ApiTokenService::fromPem)
                .orElseGet(() -> {
                    if (config.apiToken().signingKeyRequired()) {
                        throw new IllegalStateException(
                                "API_TOKEN_SIGNING_KEY is not set: every replica must sign API tokens"
                                        + " with the same key (a PKCS#8 PEM RSA private key from a secret)");
                    }
                    LOG.warn(
                            "No API token signing key configured (API_TOKEN_SIGNING_KEY): using a key generated at start,"
                                    + " so API tokens stop verifying when the service restarts");
                    return PemKeys.newRsaKeyPair();
                });
        this.privateKey = keys.getPrivate();
        this.publicJwk = new RsaJsonWebKey((RSAPublicKey) keys.getPublic());
        publicJwk.setAlgorithm("RS256");
        publicJwk.setUse("sig");
        publicJwk.setKeyId(publicJwk.calculateBase64urlEncodedThumbprint("SHA-256"));
        this.consumer = new JwtConsumerBuilder()
                .setExpectedIssuer(config.apiToken().issuer())
                .setExpectedAudience(config.apiToken().audience())
                // the algorithm is ours to choose, never the token's
                .setJwsAlgorithmConstraints(
                        AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                .setVerificationKey(keys.getPublic())
                .setRequireExpirationTime()
                .setRequireSubject()
                .setRequireIssuedAt()
                // like api-service and scheduler-service: a token is dead at its expiry, here too
                .setAllowedClockSkewInSeconds(0)
                .setEvaluationTime(null)
                .build();
    }

    /** The first token of a sign-in: a new session. */
    public IssuedToken issue(String userId, Set<String> roles) {
        Instant now = clock.instant();
        return sign(userId, roles, revocations.newSession(), now, now);
    }

    /** The next token of the same session; the session's sign-in time stays, so its absolute lifetime holds. */
    public IssuedToken renew(VerifiedToken token, Set<String> roles) {
        return sign(token.userId(), roles, token.session(), token.authTime(), clock.instant());
    }

    /**
     * A token auth-service itself uses towards api-service on the member's behalf (the monthly summary's numbers):
     * role {@code user}, a session of its own (revoked with the member's others), valid for {@code lifetime} only.
     * Never handed to anyone.
     */
    public IssuedToken issueForOwnCall(String userId, java.time.Duration lifetime) {
        Instant now = clock.instant();
        return sign(userId, Set.of("user"), revocations.newSession(), now, now, now.plus(lifetime));
    }

    private IssuedToken sign(String userId, Set<String> roles, long session, Instant authTime, Instant now) {
        // never beyond the session's end
        Instant expiresAt = min(
                now.plus(config.apiToken().lifetime()),
                authTime.plus(config.apiToken().sessionLifetime()));
        return sign(userId, roles, session, authTime, now, expiresAt);
    }

    private IssuedToken sign(
            String userId, Set<String> roles, long session, Instant authTime, Instant now, Instant expiresAt) {
        String token = Jwt.issuer(config.apiToken().issuer())
                .audience(config.apiToken().audience())
                .subject(userId)
                .upn(userId)
                .groups(roles)
                .issuedAt(now)
                .expiresAt(expiresAt)
                .claim(ApiTokenRevocations.SESSION_CLAIM, session)
                .claim(Claims.auth_time.name(), authTime.getEpochSecond())
                .jws()
                .keyId(publicJwk.getKeyId())
                .algorithm(io.smallrye.jwt.algorithm.SignatureAlgorithm.RS256)
                .sign(privateKey);
        return new IssuedToken(token, expiresAt);
    }

    /**
     * The verified claims of an API token, or empty when it is not one of ours or has expired. Whether it was
     * revoked is {@link ApiTokenRevocations}' answer. A token from before sessions is session 0, older than any.
     */
    public java.util.Optional<VerifiedToken> verify(String token) {
        try {
            JwtClaims claims = consumer.processToClaims(token);
            Instant issuedAt = Instant.ofEpochSecond(claims.getIssuedAt().getValue());
            Number session = claims.getClaimValue(ApiTokenRevocations.SESSION_CLAIM, Number.class);
            Number authTime = claims.getClaimValue(Claims.auth_time.name(), Number.class);
            return java.util.Optional.of(new VerifiedToken(
                    claims.getSubject(),
                    Set.copyOf(claims.getStringListClaimValue("groups")),
                    issuedAt,
                    session == null ? 0 : session.longValue(),
                    authTime == null ? issuedAt : Instant.ofEpochSecond(authTime.longValue())));
        } catch (InvalidJwtException | MalformedClaimException e) {
            return java.util.Optional.empty();
        }
    }

    /** Whether the token's session may still be renewed: within its absolute lifetime. */
    public boolean sessionLasts(VerifiedToken token) {
        return clock.instant().isBefore(token.authTime().plus(config.apiToken().sessionLifetime()));
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** The JWKS document with the current public key. */
    public Map<String, Object> jwks() {
        return Map.of("keys", java.util.List.of(publicJwk.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)));
    }

    private static KeyPair fromPem(String pem) {
        try {
            return PemKeys.rsaKeyPair(pem);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "API_TOKEN_SIGNING_KEY is not a PKCS#8 PEM RSA private key: " + e.getMessage());
        }
    }

    public record IssuedToken(String token, Instant expiresAt) {}

    /**
     * @param session the sign-in's number, the same in all its renewals
     * @param authTime when the member signed in for this session
     */
    public record VerifiedToken(String userId, Set<String> roles, Instant issuedAt, long session, Instant authTime) {}
}
