package io.audiospective.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * Names a Spotify access token without revealing it: the worker tells auth-service which token Spotify refused,
 * so auth-service renews only if it still holds that one (and concurrent callers cause a single refresh).
 */
public record TokenFingerprint(String value) {

    public TokenFingerprint {
        Contracts.requireText(value, "value");
    }

    public static TokenFingerprint of(String accessToken) {
        Contracts.requireText(accessToken, "accessToken");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.UTF_8));
            return new TokenFingerprint(
                    Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    public boolean matches(String accessToken) {
        return of(accessToken).equals(this);
    }

    @Override
    public String toString() {
        return value;
    }
}
