package io.audiospective.api.repository;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.api.PublishedPlay;

/**
 * Members who deleted their account ({@code deleted_users}, keyed by a hash of the id): every play published before
 * they signed up again is erased for good, and while they have not, every play is. The rule reads only the record's
 * publication time, so a replay of {@code plays} from its start erases exactly what the live consumer did.
 */
@ApplicationScoped
public class ErasedMembers {

    private final Db db;

    ErasedMembers(Db db) {
        this.db = db;
    }

    /** The plays that are not erased. */
    public List<PublishedPlay> keep(List<PublishedPlay> plays) {
        List<String> keys = plays.stream().map(p -> key(p.play().userId())).distinct().toList();
        Map<String, Readmission> erased = db.query("SELECT user_key, readmitted_at FROM deleted_users"
                + " WHERE user_key = ANY(?)", rs -> Map.entry(rs.getString(1),
                        new Readmission(Db.instant(rs, "readmitted_at"))), keys)
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        if (erased.isEmpty()) {
            return plays;
        }
        return plays.stream().filter(p -> {
            Readmission readmission = erased.get(key(p.play().userId()));
            return readmission == null || readmission.at() != null && !p.publishedAt().isBefore(readmission.at());
        }).toList();
    }

    /** The member deleted their account: their plays are erased until they sign up again. */
    public void erase(String userId, Instant deletedAt) {
        db.update("""
                INSERT INTO deleted_users (user_key, deleted_at) VALUES (?, ?)
                ON CONFLICT (user_key) DO UPDATE SET deleted_at = EXCLUDED.deleted_at, readmitted_at = NULL
                """, key(userId), deletedAt);
    }

    /** The member signed up again at {@code at}: plays published from then on are theirs again. */
    public void readmit(String userId, Instant at) {
        db.update("UPDATE deleted_users SET readmitted_at = ? WHERE user_key = ?", at, key(userId));
    }

    static String key(String userId) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(userId.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    private record Readmission(Instant at) {
    }
}
