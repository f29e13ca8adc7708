package io.audiospective.auth.service;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.auth.MailCategory;
import io.audiospective.auth.config.AuthConfig;

/**
 * The links in mails. The unsubscribe link works without signing in, so it carries an HMAC of the member and the
 * category (key {@code audiospective.auth.mail.link-key}): nobody can unsubscribe someone else by editing the link.
 */
@ApplicationScoped
public class MailLinks {

    /** The path of the unsubscribe page (GET shows it, POST, also RFC 8058 one-click, unsubscribes). */
    public static final String UNSUBSCRIBE_PATH = "/mail/unsubscribe";

    private final AuthConfig config;

    MailLinks(AuthConfig config) {
        this.config = config;
    }

    /** Straight into the Spotify authorisation: a member needs no free seat to sign in again. */
    public String reconnect() {
        return config.publicUrl() + "/login/spotify";
    }

    public String unsubscribe(String userId, MailCategory category) {
        return config.publicUrl() + UNSUBSCRIBE_PATH + "?member=" + encode(userId) + "&category=" + category.name()
                + "&token=" + sign(userId, category);
    }

    /** Where the member changes every mail setting (the dashboard's settings). */
    public String settings() {
        return config.frontendUrl() + "#/settings";
    }

    /** The dashboard's start page (the member's statistics). */
    public String dashboard() {
        return config.frontendUrl();
    }

    /** The dashboard's page of imports (upload, progress, undo). */
    public String imports() {
        return config.frontendUrl() + "#/data";
    }

    public boolean verify(String userId, MailCategory category, String token) {
        return matches(sign(userId, category), token);
    }

    /** The confirmation link of a waitlist entry: bound to the entry and its address. */
    public String confirmWaitlist(long entryId, String email) {
        return config.publicUrl() + "/waitlist/confirm?entry=" + entryId + "&token=" + signWaitlist(entryId, email);
    }

    public boolean verifyWaitlist(long entryId, String email, String token) {
        return matches(signWaitlist(entryId, email), token);
    }

    /**
     * The claim link of an admitted entry's reserved seat: bound to the entry, its address and this claim's expiry, so
     * a claim given again later (none is, today) would not revive an old link.
     */
    public String claimSeat(long entryId, String email, java.time.Instant claimExpiresAt) {
        return config.publicUrl() + "/waitlist/claim?entry=" + entryId + "&token="
                + signClaim(entryId, email, claimExpiresAt);
    }

    public boolean verifyClaim(long entryId, String email, java.time.Instant claimExpiresAt, String token) {
        return claimExpiresAt != null && matches(signClaim(entryId, email, claimExpiresAt), token);
    }

    private String signClaim(long entryId, String email, java.time.Instant claimExpiresAt) {
        return hmac("waitlist-claim\n" + entryId + "\n" + email + "\n" + claimExpiresAt.getEpochSecond());
    }

    private static boolean matches(String expected, String token) {
        return token != null
                && MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.US_ASCII), token.getBytes(StandardCharsets.US_ASCII));
    }

    private String signWaitlist(long entryId, String email) {
        return hmac("waitlist-confirm\n" + entryId + "\n" + email);
    }

    private String sign(String userId, MailCategory category) {
        return hmac("unsubscribe\n" + userId + "\n" + category.name());
    }

    private String hmac(String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(config.mail().linkKey().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
