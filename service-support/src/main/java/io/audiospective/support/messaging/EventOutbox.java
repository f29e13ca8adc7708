package io.audiospective.support.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

import io.audiospective.model.codec.MessageCodec;
import io.audiospective.support.sql.Db;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * A transactional outbox of events for one Kafka channel: a table {@code (id BIGSERIAL PRIMARY KEY, user_id TEXT,
 * payload BYTEA, created_at TIMESTAMPTZ)} the service writes an event into in the transaction of the change it tells,
 * so the event exists exactly when the change committed. {@link #relay()} publishes the rows in id order, keyed by
 * user (each member's events stay in order), and deletes them once Kafka acknowledged them: at least once, so
 * consumers make a redelivered event harmless. While Kafka is away the rows wait, in order. Only one relay publishes
 * at a time (a PostgreSQL advisory lock per table), so rows go out in id order across replicas.
 *
 * <p>The one place of the outboxes' statements: a service names its table and lock, and calls {@link #append} and
 * {@link #relay()} (from a scheduled job).
 */
public final class EventOutbox<T> {

    private static final Logger LOG = Logger.getLogger(EventOutbox.class);
    private static final int BATCH = 200;
    /** Well within the transaction timeout: the rows stay locked while their sends are pending. */
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(20);

    private final Db db;
    private final String table;
    private final long relayLock;
    private final Emitter<T> emitter;
    private final Class<T> type;
    private volatile boolean failing;

    /**
     * @param table the outbox table (a constant of the service, never input)
     * @param relayLock the advisory lock key that lets one relay at a time publish this table
     */
    public EventOutbox(Db db, String table, long relayLock, Emitter<T> emitter, Class<T> type) {
        this.db = db;
        this.table = table;
        this.relayLock = relayLock;
        this.emitter = emitter;
        this.type = type;
    }

    /** Writes an event in the caller's transaction (or, outside one, in a statement of its own). */
    public void append(String userId, T event, Instant createdAt) {
        db.update(
                "INSERT INTO " + table + " (user_id, payload, created_at) VALUES (?, ?, ?)",
                userId,
                MessageCodec.encode(event),
                createdAt);
    }

    /**
     * Publishes every waiting event, a batch per transaction. A failure (Kafka or PostgreSQL away) rolls the batch
     * back for the next call and is logged once per outage, not every round.
     */
    public void relay() {
        try {
            while (QuarkusTransaction.requiringNew().call(this::publishBatch) == BATCH) {
                // a full batch: more may be waiting
            }
            failing = false;
        } catch (RuntimeException e) {
            if (!failing) {
                LOG.warnf("Events wait in %s: %s", table, Failures.describe(e));
            }
            failing = true;
        }
    }

    /**
     * In the caller's transaction: publishes the oldest waiting events and deletes them; returns how many (none when
     * another replica holds the relay's lock, which is held until the transaction ends).
     */
    public int publishBatch() {
        boolean relay = db.queryOne("SELECT pg_try_advisory_xact_lock(?)", rs -> rs.getBoolean(1), relayLock)
                .orElseThrow();
        if (!relay) {
            return 0;
        }
        List<Pending> pending = db.query(
                "SELECT id, user_id, payload FROM " + table + " ORDER BY id LIMIT ?",
                rs -> new Pending(rs.getLong("id"), rs.getString("user_id"), rs.getBytes("payload")),
                BATCH);
        if (pending.isEmpty()) {
            return 0;
        }
        CompletableFuture.allOf(pending.stream()
                        .map(row -> KeyedSender.send(emitter, row.userId(), MessageCodec.decode(row.payload(), type))
                                .toCompletableFuture())
                        .toArray(CompletableFuture[]::new))
                .orTimeout(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .join();
        // Db binds a collection as text[]
        db.update(
                "DELETE FROM " + table + " WHERE id = ANY(CAST(? AS bigint[]))",
                pending.stream().map(row -> Long.toString(row.id())).toList());
        return pending.size();
    }

    private record Pending(long id, String userId, byte[] payload) {}
}
