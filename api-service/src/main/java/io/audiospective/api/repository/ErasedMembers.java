package io.audiospective.api.repository;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.api.PublishedPlay;
import io.audiospective.support.MemberKey;
import io.audiospective.support.sql.Db;

/**
 * Members who deleted their account ({@code deleted_users}, keyed by a hash of the id): every play published before
 * they signed up again is erased for good, and while they have not, every play is. The rule reads only the record's
 * publication time, so a replay of {@code plays} from its start erases exactly what the live consumer did. The
 * tombstone also keeps the sequence of the deletion event, which orders the member's later events once their
 * {@code user_status} row is gone.
 */
@ApplicationScoped
public class ErasedMembers {

    private final Db db;

    ErasedMembers(Db db) {
        this.db = db;
    }

    /** The plays that are not erased. */
    public List<PublishedPlay> keep(List<PublishedPlay> plays) {
        List<String> keys =
                plays.stream().map(p -> key(p.play().userId())).distinct().toList();
        Map<String, Readmission> erased = db
                .query(
                        "SELECT user_key, readmitted_at FROM deleted_users" + " WHERE user_key = ANY(?)",
                        rs -> Map.entry(rs.getString(1), new Readmission(Db.instant(rs, "readmitted_at"))),
                        keys)
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        if (erased.isEmpty()) {
            return plays;
        }
        return plays.stream()
                .filter(p -> {
                    Readmission readmission = erased.get(key(p.play().userId()));
                    return readmission == null
                            || readmission.at() != null && !p.publishedAt().isBefore(readmission.at());
                })
                .toList();
    }

    /**
     * The member deleted their account (the event of auth-service sequence {@code sequence}, null for events from
     * before sequences): their plays are erased until they sign up again.
     */
    public void erase(String userId, Instant deletedAt, Long sequence) {
        db.update("""
                INSERT INTO deleted_users (user_key, deleted_at, last_event_sequence) VALUES (?, ?, ?)
                ON CONFLICT (user_key) DO UPDATE SET deleted_at = EXCLUDED.deleted_at, readmitted_at = NULL,
                    last_event_sequence = EXCLUDED.last_event_sequence
                """, key(userId), deletedAt, sequence);
    }

    /** The deletion event last applied for the member, when they deleted their account and have no status since. */
    public Optional<Deletion> deletion(String userId) {
        return db.queryOne(
                "SELECT last_event_sequence, deleted_at FROM deleted_users WHERE user_key = ?",
                rs -> new Deletion(rs.getObject(1, Long.class), Db.instant(rs, "deleted_at")),
                key(userId));
    }

    /** True while the member's account is deleted and they have not signed up again. */
    public boolean isErased(String userId) {
        return db.queryOne(
                        "SELECT 1 FROM deleted_users WHERE user_key = ? AND readmitted_at IS NULL",
                        rs -> true,
                        key(userId))
                .isPresent();
    }

    /** The member signed up again at {@code at}: plays published from then on are theirs again. */
    public void readmit(String userId, Instant at) {
        db.update("UPDATE deleted_users SET readmitted_at = ? WHERE user_key = ?", at, key(userId));
    }

    private static String key(String userId) {
        return MemberKey.of(userId);
    }

    private record Readmission(Instant at) {}

    /** A deletion event: its auth-service sequence (null before sequences) and time. */
    public record Deletion(Long sequence, Instant at) {}
}
