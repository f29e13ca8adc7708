package io.audiospective.api;

import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;

/** Mints API tokens like auth-service does (iss, sub = upn = Spotify id, groups). */
@ApplicationScoped
public class Tokens {

    @ConfigProperty(name = "audiospective.test.issuer")
    String issuer;

    @ConfigProperty(name = "audiospective.test.signing-key")
    String signingKey;

    public String user(String userId) {
        return mint(userId, Set.of("user"), issuer);
    }

    public String admin(String userId) {
        return mint(userId, Set.of("user", "admin"), issuer);
    }

    public String foreign(String userId) {
        return mint(userId, Set.of("user", "admin"), "http://127.0.0.1:1/not-our-issuer");
    }

    private String mint(String userId, Set<String> groups, String iss) {
        try {
            PrivateKey key = KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(signingKey)));
            Instant now = Instant.now();
            return Jwt.issuer(iss).subject(userId).upn(userId).groups(groups).issuedAt(now)
                    .expiresAt(now.plusSeconds(3600)).jws().keyId(FakeTokenIssuer.KEY_ID)
                    .algorithm(SignatureAlgorithm.RS256).sign(key);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
