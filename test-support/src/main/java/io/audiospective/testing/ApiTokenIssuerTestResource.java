package io.audiospective.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.audiospective.support.security.PemKeys;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Stands in for auth-service's token issuer in the tests of the services that verify API tokens: an RSA key pair,
 * its discovery document and JWKS served on a random loopback port. The private key goes to the tests as a config
 * value ({@value #SIGNING_KEY}, PKCS#8 PEM as auth-service reads its signing key), so {@link ApiTokens} can mint tokens with the claims auth-service puts in them.
 */
public class ApiTokenIssuerTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String KEY_ID = "test-key";
    public static final String ISSUER = "audiospective.test.issuer";
    public static final String SIGNING_KEY = "audiospective.test.signing-key";

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        KeyPair keys = PemKeys.newRsaKeyPair();
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start the test token issuer", e);
        }
        String issuer = "http://127.0.0.1:" + server.getAddress().getPort();
        RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) keys.getPublic());
        jwk.setKeyId(KEY_ID);
        jwk.setUse("sig");
        jwk.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
        String jwks = new JsonWebKeySet(jwk).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
        String discovery = "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/.well-known/jwks.json\","
                + "\"id_token_signing_alg_values_supported\":[\"RS256\"],\"subject_types_supported\":[\"public\"],"
                + "\"response_types_supported\":[\"code\"]}";
        server.createContext("/.well-known/openid-configuration", exchange -> send(exchange, discovery));
        server.createContext("/.well-known/jwks.json", exchange -> send(exchange, jwks));
        server.start();
        return Map.of(
                "quarkus.oidc.auth-server-url",
                issuer,
                "quarkus.oidc.token.issuer",
                issuer,
                ISSUER,
                issuer,
                SIGNING_KEY,
                PemKeys.pem(keys.getPrivate()));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static void send(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
