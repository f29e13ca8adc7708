package io.audiospective.auth.service;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.auth.config.AuthConfig;

/**
 * Encrypts Spotify tokens at rest with AES-256-GCM. Each value carries the id of the key that sealed it, so keys
 * can rotate: new values use the active key, old ones stay readable while their key is configured. The user id is
 * bound as associated data, so a value copied to another user's row does not decrypt.
 */
@ApplicationScoped
public class TokenVault {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Map<String, SecretKey> keys = new HashMap<>();
    private final String activeKeyId;
    private final SecureRandom random = new SecureRandom();

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

    /** A token sealed with the active key. */
    public Sealed seal(String userId, String token) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(userId.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(token.getBytes(StandardCharsets.UTF_8));
            return new Sealed(activeKeyId, ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed)
                    .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Token encryption failed", e);
        }
    }

    public String open(String userId, Sealed sealed) {
        SecretKey key = keys.get(sealed.keyId());
        if (key == null) {
            throw new IllegalStateException("Vault key " + sealed.keyId() + " is no longer configured");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed.value(), 0, NONCE_BYTES));
            cipher.updateAAD(userId.getBytes(StandardCharsets.UTF_8));
            byte[] plain = cipher.doFinal(sealed.value(), NONCE_BYTES, sealed.value().length - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("A stored token could not be decrypted (wrong key or tampered value)");
        }
    }

    /** An encrypted value and the id of its key. */
    public record Sealed(String keyId, byte[] value) {
    }
}
