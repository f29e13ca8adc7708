package io.audiospective.archive.repository;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;

import io.audiospective.archive.repository.OutboxRepository.StoredPlay;
import io.audiospective.model.PlaySource;

/**
 * {@code republish_jobs} (V12) and the archive reads of a republish: plays in (user, played_at) order after a
 * position. Instants cross JDBC as epoch microseconds, the archive's precision, so a position is exact.
 */
@ApplicationScoped
public class RepublishJobRepository {

    private static final String ACTIVE = "('QUEUED', 'RUNNING')";
    private static final String COLUMNS =
            """
            id, user_id, (extract(epoch FROM since) * 1000000)::bigint, topic, state, total, published,
            position_user_id, (extract(epoch FROM position_played_at) * 1000000)::bigint, owner, error, %s, %s, %s, %s""".formatted(iso("created_at"), iso("started_at"), iso("updated_at"), iso("finished_at"));
    private static final String MICROS = "(TIMESTAMPTZ 'epoch' + %s * INTERVAL '1 microsecond')";

    private final EntityManager entityManager;

    RepublishJobRepository(EntityManager entityManager) {
        this.entityManager = entityManager;
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
        return jobs("WHERE id = " + id, 1).stream().findFirst();
    }

    public List<Job> recent(int limit) {
        return jobs("", limit);
    }

    /** Queues a job; the unique index on active jobs refuses a second one (the caller checked {@link #active()}). */
    public long create(String userId, Instant since, String topic) {
        Query insert = entityManager
                .createNativeQuery("INSERT INTO republish_jobs (user_id, since, topic, state) VALUES (:u, "
                        + (since == null ? "NULL" : MICROS.formatted(":since"))
                        + ", :topic, 'QUEUED') RETURNING id")
                .setParameter("u", userId)
                .setParameter("topic", topic);
        if (since != null) {
            insert.setParameter("since", micros(since));
        }
        return ((Number) insert.getSingleResult()).longValue();
    }

    /**
     * Takes the active job for {@code owner} if nobody else holds it (never taken, lease expired, or already this
     * owner's) and sets its lease; SKIP LOCKED so replicas asking at once do not wait for each other.
     */
    public Optional<Job> claim(String owner, Duration lease) {
        int updated = entityManager
                .createNativeQuery("""
                UPDATE republish_jobs SET owner = :owner, state = 'RUNNING',
                       lease_until = now() + :leaseMs * INTERVAL '1 millisecond',
                       started_at = coalesce(started_at, now()), updated_at = now()
                WHERE id = (SELECT id FROM republish_jobs
                            WHERE state IN ('QUEUED', 'RUNNING')
                              AND (owner = :owner OR lease_until IS NULL OR lease_until < now())
                            LIMIT 1 FOR UPDATE SKIP LOCKED)""")
                .setParameter("owner", owner)
                .setParameter("leaseMs", lease.toMillis())
                .executeUpdate();
        return updated == 0
                ? Optional.empty()
                : jobs("WHERE state = 'RUNNING' AND owner = '" + owner.replace("'", "''") + "'", 1).stream()
                        .findFirst();
    }

    public void setTotal(long id, long total) {
        entityManager
                .createNativeQuery("UPDATE republish_jobs SET total = :total WHERE id = :id")
                .setParameter("total", total)
                .setParameter("id", id)
                .executeUpdate();
    }

    /**
     * Records {@code count} more plays written, up to {@code last}, and renews the lease; false if the job is no
     * longer this owner's (its lease expired and another replica resumed it): the caller stops.
     */
    public boolean advance(long id, String owner, int count, Row last, Duration lease) {
        return entityManager
                        .createNativeQuery("UPDATE republish_jobs SET published = published + :count,"
                                + " position_user_id = :pu, position_played_at = " + MICROS.formatted(":pa") + ","
                                + " lease_until = now() + :leaseMs * INTERVAL '1 millisecond', updated_at = now(),"
                                + " error = NULL WHERE id = :id AND owner = :owner AND state = 'RUNNING'")
                        .setParameter("count", count)
                        .setParameter("pu", last.userId())
                        .setParameter("pa", micros(last.play().playedAt()))
                        .setParameter("leaseMs", lease.toMillis())
                        .setParameter("id", id)
                        .setParameter("owner", owner)
                        .executeUpdate()
                == 1;
    }

    /** Ends the job: {@code DONE} without an error, {@code FAILED} with one. */
    public void finish(long id, String owner, String error) {
        entityManager
                .createNativeQuery("UPDATE republish_jobs SET state = :state, error = :error, finished_at = now(),"
                        + " updated_at = now(), lease_until = NULL WHERE id = :id AND owner = :owner")
                .setParameter("state", error == null ? "DONE" : "FAILED")
                .setParameter("error", error)
                .setParameter("id", id)
                .setParameter("owner", owner)
                .executeUpdate();
    }

    /** Shows why a running job is not advancing (Kafka or PostgreSQL away); the next step clears it. */
    public void noteError(long id, String owner, String error) {
        entityManager
                .createNativeQuery("UPDATE republish_jobs SET error = :error, updated_at = now()"
                        + " WHERE id = :id AND owner = :owner AND state = 'RUNNING'")
                .setParameter("error", error)
                .setParameter("id", id)
                .setParameter("owner", owner)
                .executeUpdate();
    }

    /** Gives the job up at once (this replica stops), so a restarted or other replica resumes it without waiting. */
    public void release(long id, String owner) {
        entityManager
                .createNativeQuery(
                        "UPDATE republish_jobs SET lease_until = NULL WHERE id = :id AND owner = :owner AND state = 'RUNNING'")
                .setParameter("id", id)
                .setParameter("owner", owner)
                .executeUpdate();
    }

    public boolean hasPlays(String userId) {
        return !entityManager
                .createNativeQuery("SELECT 1 FROM play_events WHERE user_id = :u LIMIT 1")
                .setParameter("u", userId)
                .getResultList()
                .isEmpty();
    }

    /** How many plays the job writes in all. */
    public long count(Job job) {
        Query query = entityManager.createNativeQuery("SELECT count(*) FROM play_events" + where(job, false));
        bind(query, job, false);
        return ((Number) query.getSingleResult()).longValue();
    }

    /** The next {@code limit} plays of the job after its position, in (user, played_at) order. */
    @SuppressWarnings("unchecked")
    public List<Row> next(Job job, int limit) {
        boolean after = job.positionUserId() != null;
        Query query = entityManager
                .createNativeQuery("SELECT user_id, (extract(epoch FROM played_at) * 1000000)::bigint, track_id,"
                        + " ms_played, source, import_id FROM play_events" + where(job, after)
                        + " ORDER BY user_id, played_at LIMIT :limit")
                .setParameter("limit", limit);
        bind(query, job, after);
        List<Row> rows = new ArrayList<>();
        for (Object[] row : (List<Object[]>) query.getResultList()) {
            rows.add(new Row(
                    (String) row[0],
                    new StoredPlay(
                            instant(((Number) row[1]).longValue()),
                            (String) row[2],
                            ((Number) row[3]).longValue(),
                            PlaySource.valueOf((String) row[4]),
                            (String) row[5])));
        }
        return rows;
    }

    private static String where(Job job, boolean after) {
        List<String> conditions = new ArrayList<>();
        if (job.userId() != null) {
            conditions.add("user_id = :user");
        }
        if (job.since() != null) {
            conditions.add("played_at >= " + MICROS.formatted(":since"));
        }
        if (after) {
            // the primary key (user_id, played_at) serves this range: each step is one index range scan
            conditions.add("(user_id, played_at) > (:pu, " + MICROS.formatted(":pa") + ")");
        }
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    private static void bind(Query query, Job job, boolean after) {
        if (job.userId() != null) {
            query.setParameter("user", job.userId());
        }
        if (job.since() != null) {
            query.setParameter("since", micros(job.since()));
        }
        if (after) {
            query.setParameter("pu", job.positionUserId());
            query.setParameter("pa", micros(job.positionPlayedAt()));
        }
    }

    @SuppressWarnings("unchecked")
    private List<Job> jobs(String where, int limit) {
        List<Job> jobs = new ArrayList<>();
        for (Object[] r : (List<Object[]>) entityManager
                .createNativeQuery(
                        "SELECT " + COLUMNS + " FROM republish_jobs " + where + " ORDER BY id DESC LIMIT " + limit)
                .getResultList()) {
            jobs.add(new Job(
                    ((Number) r[0]).longValue(),
                    (String) r[1],
                    r[2] == null ? null : instant(((Number) r[2]).longValue()),
                    (String) r[3],
                    (String) r[4],
                    r[5] == null ? null : ((Number) r[5]).longValue(),
                    ((Number) r[6]).longValue(),
                    (String) r[7],
                    r[8] == null ? null : instant(((Number) r[8]).longValue()),
                    (String) r[9],
                    (String) r[10],
                    (String) r[11],
                    (String) r[12],
                    (String) r[13],
                    (String) r[14]));
        }
        return jobs;
    }

    /** A timestamp column as ISO-8601 UTC text, as the API shows it. */
    private static String iso(String column) {
        return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
    }

    private static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    private static Instant instant(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }
}
