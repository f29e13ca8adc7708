package io.audiospective.api;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.testing.ApiTokens;

/** API tokens as auth-service mints them, from this run's test issuer (test-support's ApiTokenIssuerTestResource). */
@ApplicationScoped
public class Tokens {

    private final ApiTokens tokens = ApiTokens.ofTestIssuer();

    public String user(String userId) {
        return tokens.user(userId);
    }

    public String admin(String userId) {
        return tokens.admin(userId);
    }

    public String foreign(String userId) {
        return tokens.foreignIssuer(userId);
    }
}
