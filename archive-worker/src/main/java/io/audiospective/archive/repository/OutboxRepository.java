package io.audiospective.archive.repository;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.model.CatalogueArtist;
import io.audiospective.model.PlayEvent;
import io.audiospective.model.PlaySource;
import io.audiospective.model.Topics;
import io.audiospective.model.TrackRef;
import io.audiospective.model.codec.MessageCodec;
import io.audiospective.support.messaging.Failures;
import io.audiospective.support.sql.Db;

/**
 * Messages waiting to be published: plays for the {@code plays} topic (written by {@link PolledPageRepository} and
 * imports) and artists' details for {@code catalogue.artists} ({@link #enqueueArtists}).
 */
@ApplicationScoped
public class OutboxRepository {

    private final Db db;
    private final CatalogueRepository catalogue;

    OutboxRepository(Db db, CatalogueRepository catalogue) {
        this.db = db;
        this.catalogue = catalogue;
    }

    /**
     * One message to publish: its outbox row, its topic, its key (the user of a {@code PlayEvent}, the artist of a
     * {@code CatalogueArtist}) and the encoded message.
     */
    public record Message(long rowId, String topic, String key, byte[] payload) {}

    /** An outbox row that cannot be published as it is: the relay sets it aside with the reason. */
    public static class UnpublishableRow extends RuntimeException {

        private final long rowId;

        public UnpublishableRow(long rowId, String reason, Throwable cause) {
            super(reason, cause);
            this.rowId = rowId;
        }

        public long rowId() {
            return rowId;
        }
    }

    /** A row of the outbox as the relay takes it: one encoded event, or the plays of an import or an undo. */
    private record OutboxRow(
            long id,
            String topic,
            String key,
            byte[] payload,
            String importId,
            Long[] playedAtMicros,
            String[] trackIds,
            Long[] msPlayed,
            boolean removed) {}

    /**
     * Deletes the oldest pending rows, about {@code maxMessages} messages' worth (at least one row), and returns their
     * messages, oldest first: the deletion commits only with the caller's transaction, after Kafka acknowledged them,
     * and a failure rolls it back. SKIP LOCKED lets concurrent relays (other replicas) take different rows. A row
     * of imported plays becomes one message per play, built here (see {@link #importedEvents}); a row set aside is
     * skipped, and a row whose events cannot be built throws {@link UnpublishableRow}.
     */
    public List<Message> takeOldest(int maxMessages) {
        // the running sum stops at about maxMessages events: a row of imported plays stands for many messages
        List<OutboxRow> rows = new ArrayList<>(db.query(
                """
                DELETE FROM outbox WHERE id IN (
                    SELECT id FROM (SELECT id, events, sum(events) OVER (ORDER BY id) AS upto
                                    FROM (SELECT id, events FROM outbox WHERE set_aside_reason IS NULL
                                          ORDER BY id LIMIT ?
                                          FOR UPDATE SKIP LOCKED) o) w
                    WHERE upto - events < ?)
                RETURNING id, topic, message_key, payload, import_id, played_ats, track_ids, ms_played, removed
                """,
                rs -> new OutboxRow(
                        rs.getLong("id"),
                        rs.getString("topic"),
                        rs.getString("message_key"),
                        rs.getBytes("payload"),
                        rs.getString("import_id"),
                        array(rs.getArray("played_ats"), Long[].class),
                        array(rs.getArray("track_ids"), String[].class),
                        array(rs.getArray("ms_played"), Long[].class),
                        rs.getBoolean("removed")),
                maxMessages,
                maxMessages));
        rows.sort(Comparator.comparingLong(OutboxRow::id));
        List<Message> messages = new ArrayList<>();
        for (OutboxRow row : rows) {
            if (row.payload() != null) {
                messages.add(new Message(row.id(), row.topic(), row.key(), row.payload()));
                continue;
            }
            List<byte[]> events;
            try {
                events = importedEvents(
                        row.key(), row.importId(), row.playedAtMicros(), row.trackIds(), row.msPlayed(), row.removed());
            } catch (RuntimeException e) {
                if (Failures.classify(e) == Failures.Kind.INFRASTRUCTURE) {
                    throw e;
                }
                throw new UnpublishableRow(row.id(), "its events cannot be encoded: " + Failures.describe(e), e);
            }
            events.forEach(payload -> messages.add(new Message(row.id(), row.topic(), row.key(), payload)));
        }
        return messages;
    }

    private static <T> T array(java.sql.Array array, Class<T> type) throws java.sql.SQLException {
        return array == null ? null : type.cast(array.getArray());
    }

    /** The relay skips the row from now on; {@code reason} says why, for whoever fixes the cause. */
    public void setAside(long rowId, String reason) {
        db.update("UPDATE outbox SET set_aside_reason = ?, set_aside_at = now() WHERE id = ?", reason, rowId);
    }

    /**
     * Reclaims the rows the relay deleted, and their index entries, and refreshes the table's statistics. Autovacuum
     * would, but it may be off or behind (it is off on this project's CI database, where a capacity run found the
     * outbox at 286,000 dead rows to 700 live ones and each of the relay's counts a 0.7 s scan). Must run outside a
     * transaction; SKIP_LOCKED: when another relay is vacuuming the table, this one does not wait for it.
     */
    public void vacuum() {
        db.update("VACUUM (ANALYZE, SKIP_LOCKED) outbox");
    }

    public long setAsideCount() {
        return db.queryOne("SELECT count(*) FROM outbox WHERE set_aside_reason IS NOT NULL", rs -> rs.getLong(1))
                .orElseThrow();
    }

    /** One archived play as it is encoded onto {@code plays}: its track is read from the catalogue. */
    public record StoredPlay(Instant playedAt, String trackId, long msPlayed, PlaySource source, String importId) {}

    /**
     * The encoded {@code PlayEvent}s of a row of imported plays, oldest first: the row holds each play's instant
     * (epoch microseconds), track and ms played; the tracks are the catalogue's now (each distinct track read once).
     * 5,000 imported plays cost one outbox row, not 5,000 rows of about 600 bytes. {@code removed}: the row lists
     * plays an undo took out of the archive, and the events say so.
     */
    List<byte[]> importedEvents(
            String userId,
            String importId,
            Long[] playedAtMicros,
            String[] trackIds,
            Long[] msPlayed,
            boolean removed) {
        List<StoredPlay> plays = new ArrayList<>(playedAtMicros.length);
        for (int i = 0; i < playedAtMicros.length; i++) {
            plays.add(new StoredPlay(
                    Instant.EPOCH.plus(playedAtMicros[i], ChronoUnit.MICROS),
                    trackIds[i],
                    msPlayed[i],
                    PlaySource.IMPORT,
                    importId));
        }
        return events(userId, plays, removed);
    }

    /**
     * The encoded {@code PlayEvent}s of one member's archived plays, oldest first, with the catalogue's tracks (each
     * distinct track read once): how the relay publishes imported plays and how a republish publishes every play,
     * so both carry exactly what the normal path carries.
     */
    public List<byte[]> events(String userId, List<StoredPlay> plays, boolean removed) {
        Map<String, TrackRef> tracks = catalogue.tracks(
                plays.stream().map(StoredPlay::trackId).collect(Collectors.toCollection(HashSet::new)));
        List<StoredPlay> oldestFirst = new ArrayList<>(plays);
        oldestFirst.sort(Comparator.comparing(StoredPlay::playedAt));
        List<byte[]> events = new ArrayList<>(oldestFirst.size());
        for (StoredPlay play : oldestFirst) {
            events.add(MessageCodec.encode(new PlayEvent(
                    PlayEvent.CURRENT_VERSION,
                    userId,
                    play.playedAt(),
                    tracks.get(play.trackId()),
                    play.msPlayed(),
                    play.source(),
                    play.importId(),
                    removed)));
        }
        return events;
    }

    /**
     * Queues one {@code catalogue.artists} message per artist, in the caller's transaction (the one that stores the
     * details), so details are published at least once whatever happens after the commit.
     */
    public void enqueueArtists(List<CatalogueArtist> artists) {
        for (CatalogueArtist artist : artists) {
            db.update(
                    "INSERT INTO outbox (topic, message_key, payload) VALUES (?, ?, ?)",
                    Topics.CATALOGUE_ARTISTS,
                    artist.artistId(),
                    MessageCodec.encode(artist));
        }
    }

    public void deleteForUser(String userId) {
        db.update("DELETE FROM outbox WHERE topic = ? AND message_key = ?", Topics.PLAYS, userId);
    }

    /**
     * About how many rows wait (a row of imported plays stands for up to a chunk of them): the span of their ids,
     * since ids grow and rows leave oldest first. Two index look-ups;
     * {@code count(*)} scanned the whole backlog (about 30 ms per count at 100,000 rows during an import). Ids that
     * a rolled-back insert used, or rows purged from the middle, make it a little high until the relay passes them.
     */
    public long pending() {
        return db.queryOne(
                        "SELECT coalesce(max(id) - min(id) + 1, 0) FROM outbox WHERE set_aside_reason IS NULL",
                        rs -> rs.getLong(1))
                .orElseThrow();
    }
}
