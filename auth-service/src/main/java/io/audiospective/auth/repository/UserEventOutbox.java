package io.audiospective.auth.repository;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.audiospective.model.UserEvent;
import io.audiospective.model.UserEventType;
import io.audiospective.model.codec.MessageCodec;
import io.audiospective.support.sql.Db;

/**
 * Member lifecycle events waiting for Kafka. An event is written in the transaction of the change it tells, so it
 * is published only once that change committed and is never lost between the commit and Kafka
 * ({@link io.audiospective.auth.messaging.UserEventPublisher} relays them).
 */
@ApplicationScoped
public class UserEventOutbox {

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
}
