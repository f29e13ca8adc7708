package io.audiospective.archive.repository;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.audiospective.model.PlayEvent;
import io.audiospective.model.PlaySource;
import io.audiospective.model.TrackRef;
import io.audiospective.model.codec.MessageCodec;

/** Plays waiting to be published to the {@code plays} topic (written by {@link PolledPageRepository} and imports). */
@ApplicationScoped
public class OutboxRepository {

    private final EntityManager entityManager;
    private final CatalogueRepository catalogue;

    OutboxRepository(EntityManager entityManager, CatalogueRepository catalogue) {
        this.entityManager = entityManager;
        this.catalogue = catalogue;
    }

    /** One message to publish: the user it is keyed by and the encoded {@code PlayEvent}. */
    public record Message(String key, byte[] payload) {
    }

    /**
     * Deletes the oldest pending rows, about {@code maxMessages} messages' worth (at least one row), and returns their
     * messages, oldest first: the deletion commits only with the caller's transaction, after Kafka acknowledged them,
     * and a failure rolls it back. SKIP LOCKED lets concurrent relays (other replicas) take different rows. A row
     * referring to imported plays becomes one message per play, built here (see {@link #eventsOf}).
     */
    @SuppressWarnings("unchecked")
    public List<Message> takeOldest(int maxMessages) {
        List<Object[]> rows = new ArrayList<>(entityManager.createNativeQuery("""
                DELETE FROM outbox WHERE id IN (
                    SELECT id FROM (SELECT id, events, sum(events) OVER (ORDER BY id) AS upto
                                    FROM (SELECT id, events FROM outbox ORDER BY id LIMIT :limit
                                          FOR UPDATE SKIP LOCKED) o) w
                    WHERE upto - events < :limit)
                RETURNING id, message_key, payload, played_ats
                """).setParameter("limit", maxMessages).getResultList());
        rows.sort(Comparator.comparingLong(row -> ((Number) row[0]).longValue()));
        List<Message> messages = new ArrayList<>();
        for (Object[] row : rows) {
            String key = (String) row[1];
            if (row[2] != null) {
                messages.add(new Message(key, (byte[]) row[2]));
            } else {
                eventsOf(key, (Long[]) row[3]).forEach(payload -> messages.add(new Message(key, payload)));
            }
        }
        return messages;
    }

    /**
     * The encoded {@code PlayEvent}s of a user's archived plays, in the order given: the plays from
     * {@code play_events}, their tracks as the catalogue has them now (each distinct track read once). Used for
     * imported plays: 5,000 of them cost one outbox row, not 5,000 rows of about 600 bytes.
     */
    @SuppressWarnings("unchecked")
    List<byte[]> eventsOf(String userId, Long[] playedAtMicros) {
        List<Object[]> plays = entityManager.createNativeQuery("""
                SELECT a.micros, p.track_id, p.ms_played, p.source, p.import_id
                FROM unnest(CAST(:playedAts AS bigint[])) WITH ORDINALITY AS a(micros, ord)
                JOIN play_events p ON p.user_id = :userId
                                  AND p.played_at = timestamptz 'epoch' + a.micros * interval '1 microsecond'
                ORDER BY a.ord
                """)
                .setParameter("userId", userId)
                .setParameter("playedAts", playedAtMicros)
                .getResultList();
        Set<String> trackIds = new HashSet<>();
        plays.forEach(play -> trackIds.add((String) play[1]));
        Map<String, TrackRef> tracks = catalogue.tracks(trackIds);
        List<byte[]> events = new ArrayList<>(plays.size());
        for (Object[] play : plays) {
            long micros = ((Number) play[0]).longValue();
            events.add(MessageCodec.encode(new PlayEvent(PlayEvent.CURRENT_VERSION, userId,
                    Instant.EPOCH.plus(micros, ChronoUnit.MICROS), tracks.get((String) play[1]),
                    ((Number) play[2]).longValue(), PlaySource.valueOf((String) play[3]), (String) play[4])));
        }
        return events;
    }

    public void deleteForUser(String userId) {
        entityManager.createNativeQuery("DELETE FROM outbox WHERE message_key = :userId")
                .setParameter("userId", userId).executeUpdate();
    }

    /**
     * About how many rows wait (a row of imported plays stands for up to a chunk of them): the span of their ids, since ids grow and rows leave oldest first. Two index look-ups;
     * {@code count(*)} scanned the whole backlog (about 30 ms per count at 100,000 rows during an import). Ids that
     * a rolled-back insert used, or rows purged from the middle, make it a little high until the relay passes them.
     */
    public long pending() {
        return ((Number) entityManager.createNativeQuery("SELECT coalesce(max(id) - min(id) + 1, 0) FROM outbox")
                .getSingleResult()).longValue();
    }
}
