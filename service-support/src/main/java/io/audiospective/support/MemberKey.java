package io.audiospective.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A member's id as kept where it must outlive the member (tombstones, revocations, Redis keys): the SHA-256 of the id
 * in lower-case hex. Whoever has the id finds the entry; the entry alone names no one.
 */
public final class MemberKey {

    private MemberKey() {}

    public static String of(String userId) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(userId.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
