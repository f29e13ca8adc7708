package io.audiospective.archive.repository;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.audiospective.model.PlayEvent;

/** Plays waiting to be published to the {@code plays} topic (written by {@link PolledPageRepository} and imports). */
@ApplicationScoped
public class OutboxRepository {

    private final EntityManager entityManager;

    OutboxRepository(EntityManager entityManager) {
        this.entityManager = entityManager;
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
     * The {@code PlayEvent}s of a user's archived plays, as JSON built by PostgreSQL from {@code play_events} and the
     * catalogue (the same document {@code MessageCodec} writes), in the order given. Each distinct track's JSON is
     * built once. Used for imported plays: 5,000 of them cost one outbox row, not 5,000 rows of about 600 bytes.
     */
    @SuppressWarnings("unchecked")
    List<byte[]> eventsOf(String userId, Long[] playedAtMicros) {
        return entityManager.createNativeQuery("""
                WITH r AS MATERIALIZED (
                    SELECT p.played_at, p.track_id, p.ms_played, p.source, p.import_id, a.ord
                    FROM unnest(CAST(:playedAts AS bigint[])) WITH ORDINALITY AS a(micros, ord)
                    JOIN play_events p ON p.user_id = :userId
                                      AND p.played_at = timestamptz 'epoch' + a.micros * interval '1 microsecond'),
                -- one jsonb object keyed by track id: a lookup per row (a join with a CTE of tracks is misestimated)
                track_json AS MATERIALIZED (
                    SELECT jsonb_object_agg(t.id, jsonb_build_object('id', t.id, 'name', t.name,
                        'durationMs', t.duration_ms, 'isrc', t.isrc,
                        'album', jsonb_build_object('id', al.id, 'name', al.name, 'releaseDate', al.release_date,
                                                    'imageUrl', al.image_url),
                        'artists', (SELECT jsonb_agg(jsonb_build_object('id', ar.id, 'name', ar.name)
                                                     ORDER BY ta.position, ar.id)
                                    FROM track_artists ta JOIN artists ar ON ar.id = ta.artist_id
                                    WHERE ta.track_id = t.id))) AS tracks
                    FROM tracks t JOIN albums al ON al.id = t.album_id
                    WHERE t.id IN (SELECT DISTINCT track_id FROM r))
                SELECT convert_to('{"schemaVersion":' || CAST(:version AS int) || ',"userId":'
                    || CAST(to_jsonb(CAST(:userId AS text)) AS text) || ',"playedAt":"'
                    || to_char(r.played_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
                    || '","track":' || CAST(j.tracks -> r.track_id AS text)
                    || ',"msPlayed":' || r.ms_played || ',"source":"' || r.source || '","importId":'
                    || coalesce(CAST(to_jsonb(r.import_id) AS text), 'null') || '}', 'UTF8')
                FROM r CROSS JOIN track_json j
                ORDER BY r.ord
                """)
                .setParameter("userId", userId)
                .setParameter("version", PlayEvent.CURRENT_VERSION)
                .setParameter("playedAts", playedAtMicros)
                .getResultList();
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
