package io.audiospective.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.audiospective.auth.repository.StoredTokensRepository;
import io.audiospective.auth.service.TokenVault;
import io.audiospective.auth.service.TokenVault.Purpose;
import io.audiospective.auth.service.VaultRotation;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/**
 * The token vault's binding (user, purpose, key id) and its key rotation: values move to the active key, and a key
 * that still seals values cannot leave the configuration unnoticed.
 */
@QuarkusTest
class TokenVaultTest {

    @Inject
    TokenVault vault;

    @Inject
    VaultRotation rotation;

    @Inject
    StoredTokensRepository tokens;

    @Inject
    EntityManager entityManager;

    @ConfigProperty(name = "audiospective.auth.vault.keys")
    String configuredKeys;

    @BeforeEach
    void loopbackHost() {
        RestAssured.baseURI = "http://127.0.0.1";
    }

    @Test
    void aValueOpensOnlyForItsUserItsPurposeAndItsKeyId() {
        String userId = fresh();
        TokenVault.Sealed refresh = vault.seal(userId, Purpose.REFRESH_TOKEN, "the refresh token");

        assertThat(vault.open(userId, Purpose.REFRESH_TOKEN, refresh)).isEqualTo("the refresh token");
        // swapped into the access token's column of the same row
        assertThatThrownBy(() -> vault.open(userId, Purpose.ACCESS_TOKEN, refresh))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> vault.open(fresh(), Purpose.REFRESH_TOKEN, refresh))
                .isInstanceOf(IllegalStateException.class);
        // relabelled with another key id that has the same key material
        assertThatThrownBy(() -> vault.open(
                        userId, Purpose.REFRESH_TOKEN, new TokenVault.Sealed("k0", refresh.format(), refresh.value())))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rotationReSealsOldKeyAndLegacyValuesWithTheActiveKey() {
        String userId = fresh();
        insertRow(userId, "k0", legacySeal("k0", userId, "old refresh"), "k0", legacySeal("k0", userId, "old access"));

        int resealed = 0;
        for (int batch; (batch = rotation.resealBatch(500)) > 0; ) {
            resealed += batch;
        }

        assertThat(resealed).isGreaterThanOrEqualTo(1);
        StoredTokens row = QuarkusTransaction.requiringNew().call(() -> tokens.findById(userId));
        assertThat(row.refreshKeyId).isEqualTo("k1");
        assertThat(row.accessKeyId).isEqualTo("k1");
        assertThat(row.refreshFormat).isEqualTo(TokenVault.FORMAT);
        assertThat(row.accessFormat).isEqualTo(TokenVault.FORMAT);
        assertThat(vault.openRefreshToken(row)).isEqualTo("old refresh");
        assertThat(vault.openAccessToken(row)).isEqualTo("old access");
        assertThat(rotation.countNow().valuesPerKey()).doesNotContainKey("k0");
    }

    @Test
    void readinessIsDownWhileAValueIsSealedWithAKeyNoLongerConfigured() {
        String userId = fresh();
        String retired = "retired-" + UUID.randomUUID().toString().substring(0, 8);
        TokenVault.Sealed access = vault.seal(userId, Purpose.ACCESS_TOKEN, "access");
        insertRow(userId, retired, new byte[40], access.keyId(), access.value());
        rotation.countNow();

        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(503)
                .body("checks.find { it.name == 'vault-keys' }.status", org.hamcrest.Matchers.equalTo("DOWN"))
                .body("checks.find { it.name == 'vault-keys' }.data.reason", containsString(retired));

        QuarkusTransaction.requiringNew().run(() -> tokens.deleteById(userId));
        rotation.countNow();
        given().when()
                .get("/q/health/ready")
                .then()
                .body("checks.findAll { it.name == 'vault-keys' }.status", hasItem("UP"));
    }

    @Test
    void usageCountsWhatItsOwnTransactionChangedAndNotYetFlushed() {
        String userId = fresh();
        insertRow(userId, "k0", legacySeal("k0", userId, "refresh"), "k0", legacySeal("k0", userId, "access"));
        String marker = "pending-" + UUID.randomUUID().toString().substring(0, 8);

        VaultRotation.Usage inTransaction;
        QuarkusTransaction.begin();
        try {
            tokens.findById(userId).refreshKeyId = marker;
            inTransaction = rotation.countNow();
        } finally {
            QuarkusTransaction.rollback();
        }

        assertThat(inTransaction.valuesPerKey()).containsEntry(marker, 1L);
        // the rolled-back change must not linger in the usage readiness reuses
        assertThat(rotation.countNow().valuesPerKey()).doesNotContainKey(marker);
    }

    private void insertRow(String userId, String refreshKeyId, byte[] refresh, String accessKeyId, byte[] access) {
        Instant now = Instant.now();
        QuarkusTransaction.requiringNew().run(() -> {
            entityManager
                    .createNativeQuery("INSERT INTO members (spotify_user_id, status, created_at, updated_at)"
                            + " VALUES (:id, 'ACTIVE', :now, :now)")
                    .setParameter("id", userId)
                    .setParameter("now", now)
                    .executeUpdate();
            entityManager
                    .createNativeQuery("INSERT INTO spotify_tokens (user_id, refresh_key_id, refresh_token,"
                            + " access_key_id, access_token, access_expires_at, updated_at)"
                            + " VALUES (:id, :rk, :r, :ak, :a, :now, :now)")
                    .setParameter("id", userId)
                    .setParameter("rk", refreshKeyId)
                    .setParameter("r", refresh)
                    .setParameter("ak", accessKeyId)
                    .setParameter("a", access)
                    .setParameter("now", now)
                    .executeUpdate();
        });
    }

    /** A value as the vault wrote it before values were bound to purpose and key id: to the user id alone. */
    private byte[] legacySeal(String keyId, String userId, String token) {
        String key = Arrays.stream(configuredKeys.split(","))
                .map(String::trim)
                .filter(entry -> entry.startsWith(keyId + ":"))
                .findFirst()
                .orElseThrow()
                .substring(keyId.length() + 1);
        try {
            byte[] nonce = new byte[12];
            new SecureRandom().nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(
                    Cipher.ENCRYPT_MODE,
                    new SecretKeySpec(Base64.getDecoder().decode(key), "AES"),
                    new GCMParameterSpec(128, nonce));
            cipher.updateAAD(userId.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(token.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(nonce.length + sealed.length)
                    .put(nonce)
                    .put(sealed)
                    .array();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String fresh() {
        return "vault" + UUID.randomUUID().toString().substring(0, 8);
    }
}
