package io.audiospective.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.audiospective.support.security.PemKeys;
import io.audiospective.testing.ApiTokenIssuerTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Secrets generated for one test run, so none is ever written into a file; plus a fresh admin user id. The API
 * token signing key is configured as in production, and handed to the tests (test-support's {@code ApiTokens}) so
 * they can mint the tokens a verifier must refuse.
 */
public class AuthTestSecrets implements QuarkusTestResourceLifecycleManager {

    public static final String SERVICE_TOKEN = "audiospective.auth.service-token";
    public static final String ADMIN_PREFIX = "audiospective.test.admin-prefix";

    @Override
    public Map<String, String> start() {
        String adminPrefix = "admin" + UUID.randomUUID().toString().substring(0, 8);
        String signingKey = PemKeys.pem(PemKeys.newRsaKeyPair().getPrivate());
        // A port known before start: the public URL, which Spotify's redirect URI is built from, names it.
        int port = freePort();
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.http.test-port", String.valueOf(port));
        config.put("audiospective.auth.public-url", "http://127.0.0.1:" + port);
        config.put("audiospective.auth.api-token.signing-key", signingKey);
        config.put(ApiTokenIssuerTestResource.SIGNING_KEY, signingKey);
        config.put(ApiTokenIssuerTestResource.ISSUER, "http://127.0.0.1:8081");
        config.put(SERVICE_TOKEN, random(32));
        config.put("audiospective.auth.vault.keys", "k1:" + random(32) + ",k0:" + random(32));
        config.put("audiospective.auth.vault.active-key-id", "k1");
        config.put("quarkus.oidc.authentication.state-secret", random(32));
        config.put("audiospective.auth.admin-user-ids", adminPrefix + "-1-1");
        // waitlist counters of this run only: runs beside each other share Redis and sign up from 127.0.0.1
        config.put("audiospective.auth.waitlist.key-prefix", "auth:waitlist:" + adminPrefix + ":");
        config.put(ADMIN_PREFIX, adminPrefix);
        return config;
    }

    @Override
    public void stop() {}

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String random(int bytes) {
        byte[] value = new byte[bytes];
        new SecureRandom().nextBytes(value);
        return Base64.getEncoder().encodeToString(value);
    }
}
