package io.audiospective.testing;

import java.security.Key;
import java.util.List;
import java.util.Set;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

import io.audiospective.support.security.PemKeys;

/**
 * Mints API tokens as auth-service does (iss, aud, sub = upn = Spotify id, groups, iat, exp; RS256 with the key of
 * {@link ApiTokenIssuerTestResource}), and the tokens a verifier must refuse.
 */
public final class ApiTokens {

    /** The audience auth-service puts in every API token and every verifier requires. */
    public static final String AUDIENCE = "audiospective-api";

    private final String issuer;
    private final Key signingKey;

    private ApiTokens(String issuer, Key signingKey) {
        this.issuer = issuer;
        this.signingKey = signingKey;
    }

    /** Tokens of the issuer {@link ApiTokenIssuerTestResource} started for this test run. */
    public static ApiTokens ofTestIssuer() {
        var config = ConfigProvider.getConfig();
        Key key = PemKeys.privateKey(config.getValue(ApiTokenIssuerTestResource.SIGNING_KEY, String.class));
        return new ApiTokens(config.getValue(ApiTokenIssuerTestResource.ISSUER, String.class), key);
    }

    public String user(String userId) {
        return signed(claims(issuer, AUDIENCE, userId, Set.of("user")));
    }

    public String admin(String userId) {
        return signed(claims(issuer, AUDIENCE, userId, Set.of("user", "admin")));
    }

    /**
     * A user token whose claims the test adjusts (an expiry in the past, a session number, a sign-in time), signed
     * with the right key.
     */
    public String user(String userId, java.util.function.Consumer<JwtClaims> adjust) {
        JwtClaims claims = claims(issuer, AUDIENCE, userId, Set.of("user"));
        adjust.accept(claims);
        return signed(claims);
    }

    /** An admin token of another issuer, signed with the right key. */
    public String foreignIssuer(String userId) {
        return signed(claims("http://127.0.0.1:1/not-our-issuer", AUDIENCE, userId, Set.of("user", "admin")));
    }

    /** An admin token for another audience (null: none at all), signed with the right key. */
    public String audience(String audience, String userId) {
        return signed(claims(issuer, audience, userId, Set.of("user", "admin")));
    }

    /** An admin token with every right claim, signed with the right key but another algorithm (e.g. RS512). */
    public String algorithm(String algorithm, String userId) {
        JsonWebSignature jws = jws(claims(issuer, AUDIENCE, userId, Set.of("user", "admin")));
        jws.setAlgorithmHeaderValue(algorithm);
        jws.setKey(signingKey);
        return serialize(jws);
    }

    private String signed(JwtClaims claims) {
        JsonWebSignature jws = jws(claims);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKey(signingKey);
        return serialize(jws);
    }

    private static JsonWebSignature jws(JwtClaims claims) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKeyIdHeaderValue(ApiTokenIssuerTestResource.KEY_ID);
        return jws;
    }

    private static String serialize(JsonWebSignature jws) {
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JwtClaims claims(String iss, String aud, String userId, Set<String> groups) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(iss);
        if (aud != null) {
            claims.setAudience(aud);
        }
        claims.setSubject(userId);
        claims.setClaim("upn", userId);
        claims.setStringListClaim("groups", List.copyOf(groups));
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(60);
        return claims;
    }
}
