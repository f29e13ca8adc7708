package io.audiospective.emulator.service;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.audiospective.emulator.config.EmulatorConfig;

/**
 * Spotify's accounts service in memory: authorisation codes, access tokens and refresh tokens. Token values are
 * opaque random strings and never logged.
 */
@ApplicationScoped
public class TokenService {

    /** Result of {@code POST /api/token}: a body and a status. */
    public record TokenResult(int status, Map<String, Object> body) {
        static TokenResult error(String error, String description) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", error);
            body.put("error_description", description);
            return new TokenResult(400, body);
        }
    }

    /** {@code userId} is null for an app token (client credentials), which no user endpoint accepts. */
    public record AccessGrant(String userId, String clientId, String scope, long expiresAtMs) {}

    public enum Lookup {
        VALID,
        EXPIRED,
        INVALID,
        MISSING
    }

    public record AccessCheck(Lookup result, AccessGrant grant) {}

    private record AuthCode(
            String clientId, String redirectUri, String userId, String scope, String codeChallenge, long expiresAtMs) {}

    private static final class RefreshGrant {
        final String userId;
        final String clientId;
        final String scope;
        final long expiresAtMs;
        final boolean rotating;
        volatile boolean revoked;
        volatile boolean used;
        volatile boolean forcedExpired;

        RefreshGrant(String userId, String clientId, String scope, long expiresAtMs, boolean rotating) {
            this.userId = userId;
            this.clientId = clientId;
            this.scope = scope;
            this.expiresAtMs = expiresAtMs;
            this.rotating = rotating;
        }
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, AuthCode> codes = new ConcurrentHashMap<>();
    private final Map<String, AccessGrant> accessTokens = new ConcurrentHashMap<>();
    private final Map<String, RefreshGrant> refreshTokens = new ConcurrentHashMap<>();
    private final AtomicInteger issued = new AtomicInteger();

    @Inject
    EmulatorConfig config;

    @Inject
    EmulatorClock clock;

    public boolean knownClient(String clientId) {
        return config.client().id().equals(clientId);
    }

    /**
     * Spotify's rule for redirect URIs: exact match with a registered one; {@code localhost} is refused; a
     * registered loopback URI ({@code http://127.0.0.1/...} or {@code http://[::1]/...}) without a port accepts
     * any port.
     */
    public boolean allowedRedirect(String redirectUri) {
        if (redirectUri == null || redirectUri.isBlank()) {
            return false;
        }
        URI uri;
        try {
            uri = new URI(redirectUri);
        } catch (Exception e) {
            return false;
        }
        if (uri.getHost() == null || "localhost".equalsIgnoreCase(uri.getHost()) || uri.getFragment() != null) {
            return false;
        }
        for (String registered : config.redirectUris()) {
            String r = registered.trim();
            if (r.equals(redirectUri)) {
                return true;
            }
            URI reg = URI.create(r);
            boolean loopback = "127.0.0.1".equals(reg.getHost()) || "[::1]".equals(reg.getHost());
            if (loopback
                    && reg.getPort() == -1
                    && "http".equals(uri.getScheme())
                    && reg.getHost().equals(uri.getHost())
                    && uri.getPort() > 0
                    && reg.getRawPath().equals(uri.getRawPath())
                    && uri.getRawQuery() == null) {
                return true;
            }
        }
        return false;
    }

    public String issueCode(String clientId, String redirectUri, String userId, String scope, String codeChallenge) {
        String code = "AQ" + randomToken(96);
        codes.put(
                code,
                new AuthCode(
                        clientId,
                        redirectUri,
                        userId,
                        scope == null ? "" : scope,
                        codeChallenge,
                        clock.nowMs()
                                + config.tokens().authorizationCodeLifetime().toMillis()));
        return code;
    }

    /** {@code POST /api/token}. */
    public TokenResult token(Map<String, String> form, String authorization) {
        String grantType = form.get("grant_type");
        if (grantType == null || grantType.isBlank()) {
            return TokenResult.error("unsupported_grant_type", "grant_type parameter is missing");
        }
        // client authentication: Basic header, or client_id (+ client_secret) in the body
        String clientId = form.get("client_id");
        String secret = form.get("client_secret");
        if (authorization != null && !authorization.isBlank()) {
            String[] basic = decodeBasic(authorization);
            if (basic == null) {
                return TokenResult.error("invalid_client", "Invalid client");
            }
            clientId = basic[0];
            secret = basic[1];
        }
        if (clientId == null || clientId.isBlank()) {
            return TokenResult.error("invalid_client", "Invalid client");
        }
        if (!knownClient(clientId)) {
            return TokenResult.error("invalid_client", "Invalid client");
        }
        if (secret != null
                && !MessageDigest.isEqual(
                        secret.getBytes(StandardCharsets.UTF_8),
                        config.client().secret().getBytes(StandardCharsets.UTF_8))) {
            return TokenResult.error("invalid_client", "Invalid client secret");
        }
        boolean confidential = secret != null;
        return switch (grantType) {
            case "authorization_code" -> exchangeCode(form, clientId, confidential);
            case "refresh_token" -> refresh(form, clientId, confidential);
            case "client_credentials" ->
                confidential
                        ? success(null, clientId, "", null)
                        : TokenResult.error("invalid_client", "Invalid client secret");
            default ->
                TokenResult.error(
                        "unsupported_grant_type",
                        "grant_type must be client_credentials, authorization_code or refresh_token");
        };
    }

    private TokenResult exchangeCode(Map<String, String> form, String clientId, boolean confidential) {
        String code = form.get("code");
        if (code == null || code.isBlank()) {
            return TokenResult.error("invalid_request", "code must be supplied");
        }
        AuthCode auth = codes.remove(code); // single use, whatever happens next
        if (auth == null || !auth.clientId().equals(clientId)) {
            return TokenResult.error("invalid_grant", "Invalid authorization code");
        }
        if (auth.expiresAtMs() <= clock.nowMs()) {
            return TokenResult.error("invalid_grant", "Authorization code expired");
        }
        if (!auth.redirectUri().equals(form.get("redirect_uri"))) {
            return TokenResult.error("invalid_grant", "Invalid redirect URI");
        }
        String verifier = form.get("code_verifier");
        if (auth.codeChallenge() != null) {
            if (verifier == null || verifier.isBlank()) {
                return TokenResult.error("invalid_request", "code_verifier required");
            }
            if (!auth.codeChallenge().equals(s256(verifier))) {
                return TokenResult.error("invalid_grant", "code_verifier was incorrect");
            }
        } else if (!confidential) {
            return TokenResult.error("invalid_client", "Invalid client secret");
        }
        long now = clock.nowMs();
        boolean rotating = auth.codeChallenge() != null && !confidential;
        String refresh = newRefreshToken(new RefreshGrant(
                auth.userId(),
                clientId,
                auth.scope(),
                now + config.tokens().refreshTokenLifetime().toMillis(),
                rotating));
        return success(auth.userId(), clientId, auth.scope(), refresh);
    }

    private TokenResult refresh(Map<String, String> form, String clientId, boolean confidential) {
        String token = form.get("refresh_token");
        if (token == null || token.isBlank()) {
            return TokenResult.error("invalid_request", "refresh_token must be supplied");
        }
        RefreshGrant grant = refreshTokens.get(token);
        if (grant == null || !grant.clientId.equals(clientId)) {
            return TokenResult.error("invalid_grant", "Invalid refresh token");
        }
        if (grant.revoked || grant.forcedExpired || grant.expiresAtMs <= clock.nowMs()) {
            return TokenResult.error("invalid_grant", "Refresh token revoked");
        }
        if (!grant.rotating) {
            return success(grant.userId, clientId, grant.scope, null);
        }
        synchronized (grant) {
            if (grant.used) {
                return TokenResult.error("invalid_grant", "Refresh token revoked");
            }
            grant.used = true;
        }
        String next = newRefreshToken(new RefreshGrant(grant.userId, clientId, grant.scope, grant.expiresAtMs, true));
        return success(grant.userId, clientId, grant.scope, next);
    }

    private TokenResult success(String userId, String clientId, String scope, String refreshToken) {
        long lifetime = config.tokens().accessTokenLifetime().toMillis();
        String access = "BQ" + randomToken(150);
        accessTokens.put(access, new AccessGrant(userId, clientId, scope, clock.nowMs() + lifetime));
        purgeSometimes();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", access);
        body.put("token_type", "Bearer");
        body.put("expires_in", lifetime / 1000);
        if (refreshToken != null) {
            body.put("refresh_token", refreshToken);
        }
        body.put("scope", scope);
        return new TokenResult(200, body);
    }

    private String newRefreshToken(RefreshGrant grant) {
        String token = "AQ" + randomToken(128);
        refreshTokens.put(token, grant);
        return token;
    }

    public AccessCheck check(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return new AccessCheck(Lookup.MISSING, null);
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return new AccessCheck(Lookup.INVALID, null);
        }
        AccessGrant grant = accessTokens.get(authorization.substring(7).trim());
        if (grant == null) {
            return new AccessCheck(Lookup.INVALID, null);
        }
        if (grant.expiresAtMs() <= clock.nowMs()) {
            return new AccessCheck(Lookup.EXPIRED, grant);
        }
        return new AccessCheck(Lookup.VALID, grant);
    }

    /** Revokes every refresh token of a user (as if they removed the app). Returns how many. */
    public int revokeRefreshTokens(String userId) {
        int n = 0;
        for (RefreshGrant g : refreshTokens.values()) {
            if (g.userId.equals(userId) && !g.revoked) {
                g.revoked = true;
                n++;
            }
        }
        return n;
    }

    /** Makes every refresh token of a user expired, as after the 6-month limit. Returns how many. */
    public int expireRefreshTokens(String userId) {
        int n = 0;
        for (RefreshGrant g : refreshTokens.values()) {
            if (g.userId.equals(userId) && !g.forcedExpired) {
                g.forcedExpired = true;
                n++;
            }
        }
        return n;
    }

    /** Expires every access token of a user now. Returns how many. */
    public int expireAccessTokens(String userId) {
        int n = 0;
        long now = clock.nowMs();
        for (Map.Entry<String, AccessGrant> e : accessTokens.entrySet()) {
            AccessGrant g = e.getValue();
            if (userId.equals(g.userId()) && g.expiresAtMs() > now) {
                e.setValue(new AccessGrant(g.userId(), g.clientId(), g.scope(), now));
                n++;
            }
        }
        return n;
    }

    private void purgeSometimes() {
        if (issued.incrementAndGet() % 1024 != 0) {
            return;
        }
        long now = clock.nowMs();
        // keep expired access tokens for a day so clients see "expired" rather than "invalid"
        accessTokens.values().removeIf(g -> g.expiresAtMs() < now - 86_400_000L);
        codes.values().removeIf(c -> c.expiresAtMs() < now);
    }

    private String randomToken(int length) {
        byte[] bytes = new byte[length * 3 / 4 + 1];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).substring(0, length);
    }

    static String[] decodeBasic(String header) {
        if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded =
                    new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean validScopeString(String scope) {
        return scope == null || scope.toLowerCase(Locale.ROOT).matches("[a-z0-9 ._-]*");
    }
}
