package io.audiospective.support.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class PemKeysTest {

    private static final KeyPair RSA = PemKeys.newRsaKeyPair();

    @Test
    void anRsaPrivateKeyReadsBackWithItsPublicKey() throws Exception {
        String pem = PemKeys.pem(RSA.getPrivate());
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");

        KeyPair read = PemKeys.rsaKeyPair(pem);

        assertThat(read.getPrivate()).isInstanceOf(RSAPrivateKey.class).isEqualTo(RSA.getPrivate());
        assertThat(read.getPublic()).isEqualTo(RSA.getPublic());
        assertThat(verifies(read, "SHA256withRSA")).isTrue();
    }

    @Test
    void anEcKeyPairReadsBack() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ec = generator.generateKeyPair();

        KeyPair read = new KeyPair(
                PemKeys.publicKey(PemKeys.pem(ec.getPublic())), PemKeys.privateKey(PemKeys.pem(ec.getPrivate())));

        assertThat(read.getPrivate()).isInstanceOf(ECPrivateKey.class).isEqualTo(ec.getPrivate());
        assertThat(read.getPublic()).isInstanceOf(ECPublicKey.class).isEqualTo(ec.getPublic());
        assertThat(verifies(read, "SHA256withECDSA")).isTrue();
        assertThatThrownBy(() -> PemKeys.rsaKeyPair(PemKeys.pem(ec.getPrivate())))
                .hasMessageContaining("not an RSA private key");
    }

    @Test
    void anRsaPublicKeyReadsBack() {
        assertThat(PemKeys.publicKey(PemKeys.pem(RSA.getPublic())))
                .isInstanceOf(RSAPublicKey.class)
                .isEqualTo(RSA.getPublic());
    }

    @Test
    void pemAsSecretsHoldItReadsToo() {
        // one line of base64, CRLF line ends, text around the block: how environment variables and files carry it
        String oneLine = "-----BEGIN PRIVATE KEY-----"
                + Base64.getEncoder().encodeToString(RSA.getPrivate().getEncoded()) + "-----END PRIVATE KEY-----";
        String crlf = "key:\r\n" + PemKeys.pem(RSA.getPrivate()).replace("\n", "\r\n");

        assertThat(PemKeys.privateKey(oneLine)).isEqualTo(RSA.getPrivate());
        assertThat(PemKeys.privateKey(crlf)).isEqualTo(RSA.getPrivate());
    }

    @Test
    void whatIsNoSuchKeyIsRefusedWithoutQuotingIt() {
        String publicPem = PemKeys.pem(RSA.getPublic());
        String body = Base64.getEncoder().encodeToString(RSA.getPrivate().getEncoded());

        assertThatThrownBy(() -> PemKeys.privateKey(publicPem))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is a PUBLIC KEY, expected a PRIVATE KEY");
        assertThatThrownBy(() -> PemKeys.privateKey(
                        "-----BEGIN RSA PRIVATE KEY-----\n" + body + "\n-----END RSA PRIVATE KEY-----"))
                .hasMessageContaining("openssl pkcs8");
        assertThatThrownBy(() -> PemKeys.privateKey(body))
                .hasMessageContaining("no PEM block")
                .message()
                .doesNotContain(body.substring(0, 40));
        assertThatThrownBy(() -> PemKeys.privateKey("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"))
                .hasMessageContaining("neither an RSA nor an EC key");
        assertThatThrownBy(() -> PemKeys.privateKey(null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static boolean verifies(KeyPair keys, String algorithm) throws Exception {
        byte[] data = "audiospective".getBytes();
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(keys.getPrivate());
        signer.update(data);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(keys.getPublic());
        verifier.update(data);
        return verifier.verify(signature);
    }
}
