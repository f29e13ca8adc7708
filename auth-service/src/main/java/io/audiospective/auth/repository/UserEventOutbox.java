package io.audiospective.auth.repository;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.audiospective.model.UserEvent;
import io.audiospective.model.UserEventType;
import io.audiospective.model.codec.MessageCodec;
import io.audiospective.support.sql.Db;

/**
 * Member lifecycle events waiting for Kafka. An event is written in the transaction of the change it tells, so it
 * is published only once that change committed and is never lost between the commit and Kafka.
 */
@ApplicationScoped
public class UserEventOutbox {

    /** Only one relay publishes at a time, so rows go out in id order across replicas. */
    private static final long RELAY_LOCK = 0x75736572L;

    private final Db db;

    UserEventOutbox(Db db) {
        this.db = db;
    }

    /**
     * Writes the member's next event. The caller holds the member's row lock (or the member is gone), so the
     * sequence drawn here orders the member's events as their transactions commit.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public UserEvent append(
            String userId, UserEventType type, Instant occurredAt, String displayName, String timeZone) {
        long sequence = db.queryOne("SELECT nextval('user_event_sequence')", rs -> rs.getLong(1))
                .orElseThrow();
        UserEvent event = UserEvent.of(userId, type, sequence, occurredAt, displayName, timeZone);
        db.update(
                "INSERT INTO user_events_outbox (user_id, payload, created_at) VALUES (?, ?, ?)",
                userId,
                MessageCodec.encode(event),
                occurredAt);
        return event;
    }

    /**
     * The oldest events, when this transaction got the relay's lock (another replica relaying: none). The lock is
     * held until the transaction ends.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<Pending> takeOldest(int limit) {
        boolean relay = db.queryOne("SELECT pg_try_advisory_xact_lock(?)", rs -> rs.getBoolean(1), RELAY_LOCK)
                .orElseThrow();
        if (!relay) {
            return List.of();
        }
        return db.query(
                "SELECT id, user_id, payload FROM user_events_outbox ORDER BY id LIMIT ?",
                rs -> new Pending(rs.getLong("id"), rs.getString("user_id"), rs.getBytes("payload")),
                limit);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void delete(List<Pending> published) {
        // Db binds a collection as text[]
        db.update(
                "DELETE FROM user_events_outbox WHERE id = ANY(CAST(? AS bigint[]))",
                published.stream().map(event -> Long.toString(event.id())).toList());
    }

    public record Pending(long id, String userId, byte[] payload) {}
}
