package io.audiospective.auth.service;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.auth.StoredTokens;
import io.audiospective.auth.config.AuthConfig;

/**
 * Encrypts Spotify tokens at rest with AES-256-GCM. Each value carries the id of the key that sealed it, so keys
 * can rotate: new values use the active key, old ones stay readable while their key is configured, and
 * {@link VaultRotation} re-seals them with the active key so the old key can be retired. A value is bound (as
 * associated data) to its user, to what it is (refresh or access token) and to its key id: copied to another user's
 * row, swapped between the two columns or relabelled with another key id, it does not decrypt.
 */
@ApplicationScoped
public class TokenVault {

    /** Values written before the V3 migration: bound to the user id alone. Still read, never written. */
    public static final short LEGACY_FORMAT = 1;
    /** Bound to purpose, key id and user id. */
    public static final short FORMAT = 2;

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Map<String, SecretKey> keys = new HashMap<>();
    private final String activeKeyId;
    private final SecureRandom random = new SecureRandom();

    /** What a sealed value is; part of its associated data. */
    public enum Purpose {
        REFRESH_TOKEN,
        ACCESS_TOKEN
    }

    public TokenVault(AuthConfig config) {
        for (String entry : config.vault().keys().split(",")) {
            String[] parts = entry.trim().split(":", 2);
            if (parts.length != 2) {
                throw new IllegalArgumentException("Vault keys must be keyId:base64Key pairs");
            }
            byte[] key = Base64.getDecoder().decode(parts[1].trim());
            if (key.length != 32) {
                throw new IllegalArgumentException("Vault key " + parts[0] + " must be 256 bits");
            }
            keys.put(parts[0].trim(), new SecretKeySpec(key, "AES"));
        }
        activeKeyId = config.vault().activeKeyId();
        if (!keys.containsKey(activeKeyId)) {
            throw new IllegalArgumentException("The active vault key " + activeKeyId + " is not configured");
        }
    }

    public String activeKeyId() {
        return activeKeyId;
    }

    /** Ids of every configured key (the active one and those kept to read older values). */
    public Set<String> keyIds() {
        return Set.copyOf(keys.keySet());
    }

    /** A token sealed with the active key. */
    public Sealed seal(String userId, Purpose purpose, String token) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(FORMAT, activeKeyId, userId, purpose));
            byte[] sealed = cipher.doFinal(token.getBytes(StandardCharsets.UTF_8));
            return new Sealed(
                    activeKeyId,
                    FORMAT,
                    ByteBuffer.allocate(NONCE_BYTES + sealed.length)
                            .put(nonce)
                            .put(sealed)
                            .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Token encryption failed", e);
        }
    }

    public String open(String userId, Purpose purpose, Sealed sealed) {
        SecretKey key = keys.get(sealed.keyId());
        if (key == null) {
            throw new IllegalStateException("Vault key " + sealed.keyId() + " is no longer configured");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed.value(), 0, NONCE_BYTES));
            cipher.updateAAD(associatedData(sealed.format(), sealed.keyId(), userId, purpose));
            byte[] plain = cipher.doFinal(sealed.value(), NONCE_BYTES, sealed.value().length - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("A stored token could not be decrypted (wrong key or tampered value)");
        }
    }

    /** True when {@code sealed} uses the active key and the current format: nothing to re-seal. */
    public boolean isCurrent(Sealed sealed) {
        return sealed.keyId().equals(activeKeyId) && sealed.format() == FORMAT;
    }

    public String openRefreshToken(StoredTokens stored) {
        return open(stored.userId, Purpose.REFRESH_TOKEN, refreshToken(stored));
    }

    public String openAccessToken(StoredTokens stored) {
        return open(stored.userId, Purpose.ACCESS_TOKEN, accessToken(stored));
    }

    public void sealRefreshToken(StoredTokens stored, String token) {
        Sealed sealed = seal(stored.userId, Purpose.REFRESH_TOKEN, token);
        stored.refreshKeyId = sealed.keyId();
        stored.refreshFormat = sealed.format();
        stored.refreshToken = sealed.value();
    }

    public void sealAccessToken(StoredTokens stored, String token) {
        Sealed sealed = seal(stored.userId, Purpose.ACCESS_TOKEN, token);
        stored.accessKeyId = sealed.keyId();
        stored.accessFormat = sealed.format();
        stored.accessToken = sealed.value();
    }

    public static Sealed refreshToken(StoredTokens stored) {
        return new Sealed(stored.refreshKeyId, stored.refreshFormat, stored.refreshToken);
    }

    public static Sealed accessToken(StoredTokens stored) {
        return new Sealed(stored.accessKeyId, stored.accessFormat, stored.accessToken);
    }

    private static byte[] associatedData(short format, String keyId, String userId, Purpose purpose) {
        if (format == LEGACY_FORMAT) {
            return userId.getBytes(StandardCharsets.UTF_8);
        }
        if (format != FORMAT) {
            throw new IllegalStateException("Unknown vault value format " + format);
        }
        // length-prefixed fields, so no two different tuples give the same bytes
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF("audiospective-vault");
            out.writeShort(format);
            out.writeUTF(purpose.name());
            out.writeUTF(keyId);
            out.writeUTF(userId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** An encrypted value, the id of its key and its format. */
    public record Sealed(String keyId, short format, byte[] value) {}
}
