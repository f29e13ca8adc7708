package io.audiospective.auth.repository;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.audiospective.model.UserEvent;
import io.audiospective.model.UserEventType;
import io.audiospective.model.codec.MessageCodec;

/**
 * Member lifecycle events waiting for Kafka. An event is written in the transaction of the change it tells, so it
 * is published only once that change committed and is never lost between the commit and Kafka.
 */
@ApplicationScoped
public class UserEventOutbox {

    /** Only one relay publishes at a time, so rows go out in id order across replicas. */
    private static final long RELAY_LOCK = 0x75736572L;

    private final EntityManager entityManager;

    UserEventOutbox(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /**
     * Writes the member's next event. The caller holds the member's row lock (or the member is gone), so the
     * sequence drawn here orders the member's events as their transactions commit.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public UserEvent append(
            String userId, UserEventType type, Instant occurredAt, String displayName, String timeZone) {
        long sequence = ((Number) entityManager
                        .createNativeQuery("SELECT nextval('user_event_sequence')")
                        .getSingleResult())
                .longValue();
        UserEvent event = UserEvent.of(userId, type, sequence, occurredAt, displayName, timeZone);
        entityManager
                .createNativeQuery("INSERT INTO user_events_outbox (user_id, payload, created_at) VALUES (?1, ?2, ?3)")
                .setParameter(1, userId)
                .setParameter(2, MessageCodec.encode(event))
                .setParameter(3, occurredAt)
                .executeUpdate();
        return event;
    }

    /**
     * The oldest events, when this transaction got the relay's lock (another replica relaying: none). The lock is
     * held until the transaction ends.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<Pending> takeOldest(int limit) {
        boolean relay = (Boolean) entityManager
                .createNativeQuery("SELECT pg_try_advisory_xact_lock(?1)")
                .setParameter(1, RELAY_LOCK)
                .getSingleResult();
        if (!relay) {
            return List.of();
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager
                .createNativeQuery("SELECT id, user_id, payload FROM user_events_outbox ORDER BY id LIMIT ?1")
                .setParameter(1, limit)
                .getResultList();
        return rows.stream()
                .map(r -> new Pending(((Number) r[0]).longValue(), (String) r[1], (byte[]) r[2]))
                .toList();
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void delete(List<Pending> published) {
        entityManager
                .createNativeQuery("DELETE FROM user_events_outbox WHERE id IN (?1)")
                .setParameter(1, published.stream().map(Pending::id).toList())
                .executeUpdate();
    }

    public record Pending(long id, String userId, byte[] payload) {}
}
