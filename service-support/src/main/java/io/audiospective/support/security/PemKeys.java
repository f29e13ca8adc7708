package io.audiospective.support.security;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.KeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keys as PEM text, the form a secret holds them in: PKCS#8 private keys ({@code BEGIN PRIVATE KEY}) and X.509
 * public keys ({@code BEGIN PUBLIC KEY}), RSA or EC. The one place that reads and writes them, for auth-service's API
 * token signing key and for the tests and the local system that hand auth-service such a key.
 */
public final class PemKeys {

    private static final String PRIVATE_KEY = "PRIVATE KEY";
    private static final String PUBLIC_KEY = "PUBLIC KEY";
    private static final List<String> ALGORITHMS = List.of("RSA", "EC");
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

    private PemKeys() {}

    /** A PKCS#8 PEM private key, RSA or EC. The message of a refusal never quotes the text (it is a secret). */
    public static PrivateKey privateKey(String pem) {
        return decode(pem, PRIVATE_KEY, PKCS8EncodedKeySpec::new, (factory, spec) -> factory.generatePrivate(spec));
    }

    /** An X.509 ({@code SubjectPublicKeyInfo}) PEM public key, RSA or EC. */
    public static PublicKey publicKey(String pem) {
        return decode(pem, PUBLIC_KEY, X509EncodedKeySpec::new, (factory, spec) -> factory.generatePublic(spec));
    }

    /** A PKCS#8 PEM RSA private key with its public key, which an RSA private key in PKCS#8 carries. */
    public static KeyPair rsaKeyPair(String pem) {
        if (!(privateKey(pem) instanceof RSAPrivateCrtKey key)) {
            throw new IllegalArgumentException("The PEM text is not an RSA private key");
        }
        try {
            PublicKey publicKey = KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
            return new KeyPair(publicKey, key);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("The RSA private key has no usable public key", e);
        }
    }

    /** A private key as PKCS#8 PEM, a public key as X.509 PEM. */
    public static String pem(Key key) {
        String label = switch (key.getFormat()) {
            case "PKCS#8" -> PRIVATE_KEY;
            case "X.509" -> PUBLIC_KEY;
            default -> throw new IllegalArgumentException("A " + key.getFormat() + " key has no PEM form here");
        };
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
                + "\n-----END " + label + "-----\n";
    }

    /** A fresh 2048-bit RSA key pair: what signs API tokens where no key is configured, and in tests. */
    public static KeyPair newRsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM cannot generate RSA keys", e);
        }
    }

    private interface Generator<K> {
        K generate(KeyFactory factory, KeySpec spec) throws GeneralSecurityException;
    }

    private static <K> K decode(String pem, String label, Function<byte[], KeySpec> spec, Generator<K> generator) {
        if (pem == null) {
            throw new IllegalArgumentException("No PEM text: expected a " + label + " block");
        }
        Matcher block = BLOCK.matcher(pem);
        if (!block.find()) {
            throw new IllegalArgumentException("The text is no PEM block: expected '-----BEGIN " + label + "-----'");
        }
        if (!block.group(1).equals(label)) {
            throw new IllegalArgumentException("The PEM block is a " + block.group(1) + ", expected a " + label
                    + (block.group(1).equals("RSA PRIVATE KEY")
                            ? " (PKCS#1: convert it with 'openssl pkcs8 -topk8 -nocrypt')"
                            : ""));
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(block.group(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The " + label + " PEM block is not valid base64");
        }
        for (String algorithm : ALGORITHMS) {
            try {
                return generator.generate(KeyFactory.getInstance(algorithm), spec.apply(der));
            } catch (GeneralSecurityException e) {
                // not a key of this algorithm: try the next one
            }
        }
        throw new IllegalArgumentException("The " + label + " PEM block is neither an RSA nor an EC key");
    }
}
