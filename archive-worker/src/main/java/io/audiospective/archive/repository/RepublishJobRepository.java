package io.audiospective.archive.repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.archive.repository.OutboxRepository.StoredPlay;
import io.audiospective.model.PlaySource;
import io.audiospective.support.sql.Db;

/**
 * {@code republish_jobs} (V12) and the archive reads of a republish: plays in (user, played_at) order after a
 * position. Instants cross JDBC as epoch microseconds, the archive's precision, so a position is exact.
 */
@ApplicationScoped
public class RepublishJobRepository {

    private static final String ACTIVE = "('QUEUED', 'RUNNING')";
    private static final String COLUMNS =
            """
            id, user_id, (extract(epoch FROM since) * 1000000)::bigint AS since, topic, state, total, published,
            position_user_id, (extract(epoch FROM position_played_at) * 1000000)::bigint AS position_played_at, owner,
            error, %s, %s, %s, %s""".formatted(iso("created_at"), iso("started_at"), iso("updated_at"), iso("finished_at"));
    private static final String MICROS = "(TIMESTAMPTZ 'epoch' + %s * INTERVAL '1 microsecond')";

    private final Db db;

    RepublishJobRepository(Db db) {
        this.db = db;
    }

    /** A job as stored; {@code since} and the position's instant are null when absent. */
    public record Job(
            long id,
            String userId,
            Instant since,
            String topic,
            String state,
            Long total,
            long published,
            String positionUserId,
            Instant positionPlayedAt,
            String owner,
            String error,
            String createdAt,
            String startedAt,
            String updatedAt,
            String finishedAt) {}

    /** One archived play of a republish, with its member. */
    public record Row(String userId, StoredPlay play) {}

    public Optional<Job> active() {
        return jobs("WHERE state IN " + ACTIVE, 1).stream().findFirst();
    }

    public Optional<Job> find(long id) {
        return jobs("WHERE id = ?", 1, id).stream().findFirst();
    }

    public List<Job> recent(int limit) {
        return jobs("", limit);
    }

    /** Queues a job; the unique index on active jobs refuses a second one (the caller checked {@link #active()}). */
    public long create(String userId, Instant since, String topic) {
        return db.queryOne(
                        "INSERT INTO republish_jobs (user_id, since, topic, state) VALUES (?, "
                                + MICROS.formatted("CAST(? AS bigint)") + ", ?, 'QUEUED') RETURNING id",
                        rs -> rs.getLong("id"),
                        userId,
                        since == null ? null : EpochMicros.of(since),
                        topic)
                .orElseThrow();
    }

    /**
     * Takes the active job for {@code owner} if nobody else holds it (never taken, lease expired, or already this
     * owner's) and sets its lease; SKIP LOCKED so replicas asking at once do not wait for each other.
     */
    public Optional<Job> claim(String owner, Duration lease) {
        int updated = db.update("""
                UPDATE republish_jobs SET owner = ?, state = 'RUNNING',
                       lease_until = now() + ? * INTERVAL '1 millisecond',
                       started_at = coalesce(started_at, now()), updated_at = now()
                WHERE id = (SELECT id FROM republish_jobs
                            WHERE state IN ('QUEUED', 'RUNNING')
                              AND (owner = ? OR lease_until IS NULL OR lease_until < now())
                            LIMIT 1 FOR UPDATE SKIP LOCKED)""", owner, lease.toMillis(), owner);
        return updated == 0
                ? Optional.empty()
                : jobs("WHERE state = 'RUNNING' AND owner = ?", 1, owner).stream()
                        .findFirst();
    }

    public void setTotal(long id, long total) {
        db.update("UPDATE republish_jobs SET total = ? WHERE id = ?", total, id);
    }

    /**
     * Records {@code count} more plays written, up to {@code last}, and renews the lease; false if the job is no
     * longer this owner's (its lease expired and another replica resumed it): the caller stops.
     */
    public boolean advance(long id, String owner, int count, Row last, Duration lease) {
        return db.update(
                        "UPDATE republish_jobs SET published = published + ?, position_user_id = ?,"
                                + " position_played_at = " + MICROS.formatted("CAST(? AS bigint)") + ","
                                + " lease_until = now() + ? * INTERVAL '1 millisecond', updated_at = now(),"
                                + " error = NULL WHERE id = ? AND owner = ? AND state = 'RUNNING'",
                        count,
                        last.userId(),
                        EpochMicros.of(last.play().playedAt()),
                        lease.toMillis(),
                        id,
                        owner)
                == 1;
    }

    /** Ends the job: {@code DONE} without an error, {@code FAILED} with one. */
    public void finish(long id, String owner, String error) {
        db.update(
                "UPDATE republish_jobs SET state = ?, error = ?, finished_at = now(), updated_at = now(),"
                        + " lease_until = NULL WHERE id = ? AND owner = ?",
                error == null ? "DONE" : "FAILED",
                error,
                id,
                owner);
    }

    /** Shows why a running job is not advancing (Kafka or PostgreSQL away); the next step clears it. */
    public void noteError(long id, String owner, String error) {
        db.update(
                "UPDATE republish_jobs SET error = ?, updated_at = now() WHERE id = ? AND owner = ? AND state = 'RUNNING'",
                error,
                id,
                owner);
    }

    /** Gives the job up at once (this replica stops), so a restarted or other replica resumes it without waiting. */
    public void release(long id, String owner) {
        db.update(
                "UPDATE republish_jobs SET lease_until = NULL WHERE id = ? AND owner = ? AND state = 'RUNNING'",
                id,
                owner);
    }

    public boolean hasPlays(String userId) {
        return db.queryOne("SELECT 1 FROM play_events WHERE user_id = ? LIMIT 1", rs -> true, userId)
                .isPresent();
    }

    /** How many plays the job writes in all. */
    public long count(Job job) {
        List<Object> params = new ArrayList<>();
        String where = where(job, false, params);
        return db.queryOne("SELECT count(*) FROM play_events" + where, rs -> rs.getLong(1), params.toArray())
                .orElseThrow();
    }

    /** The next {@code limit} plays of the job after its position, in (user, played_at) order. */
    public List<Row> next(Job job, int limit) {
        List<Object> params = new ArrayList<>();
        String where = where(job, job.positionUserId() != null, params);
        params.add(limit);
        return db.query(
                "SELECT user_id, (extract(epoch FROM played_at) * 1000000)::bigint AS played_at, track_id, ms_played,"
                        + " source, import_id FROM play_events" + where + " ORDER BY user_id, played_at LIMIT ?",
                rs -> new Row(
                        rs.getString("user_id"),
                        new StoredPlay(
                                EpochMicros.instant(rs.getLong("played_at")),
                                rs.getString("track_id"),
                                rs.getLong("ms_played"),
                                PlaySource.valueOf(rs.getString("source")),
                                rs.getString("import_id"))),
                params.toArray());
    }

    /** The job's conditions, their parameters added to {@code params} in order. */
    private static String where(Job job, boolean after, List<Object> params) {
        List<String> conditions = new ArrayList<>();
        if (job.userId() != null) {
            conditions.add("user_id = ?");
            params.add(job.userId());
        }
        if (job.since() != null) {
            conditions.add("played_at >= " + MICROS.formatted("CAST(? AS bigint)"));
            params.add(EpochMicros.of(job.since()));
        }
        if (after) {
            // the primary key (user_id, played_at) serves this range: each step is one index range scan
            conditions.add("(user_id, played_at) > (?, " + MICROS.formatted("CAST(? AS bigint)") + ")");
            params.add(job.positionUserId());
            params.add(EpochMicros.of(job.positionPlayedAt()));
        }
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    private List<Job> jobs(String where, int limit, Object... params) {
        return db.query(
                "SELECT " + COLUMNS + " FROM republish_jobs " + where + " ORDER BY id DESC LIMIT " + limit,
                rs -> new Job(
                        rs.getLong("id"),
                        rs.getString("user_id"),
                        optionalInstant(rs, "since"),
                        rs.getString("topic"),
                        rs.getString("state"),
                        rs.getObject("total", Long.class),
                        rs.getLong("published"),
                        rs.getString("position_user_id"),
                        optionalInstant(rs, "position_played_at"),
                        rs.getString("owner"),
                        rs.getString("error"),
                        rs.getString("created_at"),
                        rs.getString("started_at"),
                        rs.getString("updated_at"),
                        rs.getString("finished_at")),
                params);
    }

    private static Instant optionalInstant(ResultSet rs, String micros) throws SQLException {
        long value = rs.getLong(micros);
        return rs.wasNull() ? null : EpochMicros.instant(value);
    }

    /** A timestamp column as ISO-8601 UTC text, as the API shows it. */
    private static String iso(String column) {
        return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS " + column;
    }
}
