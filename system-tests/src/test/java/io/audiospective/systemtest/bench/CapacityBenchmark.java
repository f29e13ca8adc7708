package io.audiospective.systemtest.bench;

import java.io.PrintStream;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.postgresql.PGConnection;

import io.audiospective.model.ArchiveBatch;
import io.audiospective.model.ArchiveOutcome;
import io.audiospective.model.Topics;
import io.audiospective.systemtest.EmulatorControl;
import io.audiospective.systemtest.KafkaTally;
import io.audiospective.systemtest.LocalSystem;
import io.audiospective.systemtest.ServiceProcess;
import io.audiospective.systemtest.SpotifySignIn;
import io.audiospective.testing.ProcessStats;

/**
 * Sustained capacity of the polling path, scheduler -> Kafka -> archive-worker -> PostgreSQL -> {@code plays}, on
 * this machine, with every process separate ({@link LocalSystem}) and the emulator standing in for Spotify.
 *
 * <p>Registers {@code users} synthetic users through the real sign-in, lets at least one polling period pass and
 * the workers work off the first polls' back-fill (up to 50 plays each), then measures a window: user-polls/s,
 * plays/s and plays per poll, time from slot to archived and from archived to visible in the read model (p50, p99),
 * CPU and RSS of each process and its CPU per poll and per play, and how the work was shared between replicas.
 * Beside it, the same plays written one row per statement and by a raw {@code COPY}, into scratch tables of the same
 * database.
 *
 * <p>{@code capacity.time-scale=120} runs the emulator's listening in compressed time, so a poll every 30 s finds the
 * plays an hourly poll finds (about 4 for a typical listener); {@code capacity.apis=2} runs two api-services, two
 * scheduler-services and two auth-services.
 *
 * <p>Not a test: a benchmark, run on demand with {@code ../mvnw verify -Dbenchmark=true -Dtest=CapacityBenchmark} (the
 * services packaged first) or {@code deploy/capacity-benchmark.sh users=9000 ...}. Parameters, as system properties
 * with their defaults: {@code capacity.users=18000 capacity.period=PT1M capacity.measure=PT2M capacity.workers=2
 * capacity.apis=1 capacity.time-scale=1}.
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class CapacityBenchmark {

    /** Polls in flight across all workers. */
    static final int POLLS_IN_FLIGHT = 32;

    /** archive-worker's consumer group on {@code archive.batches}. */
    static final String WORKER_GROUP = "archive-worker";

    /** api-service's consumer group on {@code plays}: it folds them into the read model. */
    static final String READ_MODEL_GROUP = "api-service-read-model";

    /** How long the sampler looks for an archived play in the read model; a play not found by then is counted. */
    static final Duration VISIBLE_GIVE_UP = Duration.ofMinutes(1);

    static final Duration CATCH_UP_LIMIT = Duration.ofMinutes(15);

    private final int users = Integer.getInteger("capacity.users", 18000);
    private final Duration period = Duration.parse(System.getProperty("capacity.period", "PT1M"));
    private final Duration measure = Duration.parse(System.getProperty("capacity.measure", "PT2M"));
    private final int workerCount = Integer.getInteger("capacity.workers", 2);
    private final int replicas = Integer.getInteger("capacity.apis", 1);
    private final int timeScale = Integer.getInteger("capacity.time-scale", 1);
    private final PrintStream out = System.out;

    @Test
    void benchmark() throws Exception {
        say(String.format(
                "%d users polled every %s (target %.0f user-polls/s), %d workers, %d api-services, "
                        + "listening at %dx real time",
                users, period, users / (double) period.toSeconds(), workerCount, replicas, timeScale));
        String inFlight = Integer.toString(Math.max(1, POLLS_IN_FLIGHT / workerCount));
        Map<String, String> workerEnvironment = Map.of(
                // Spotify's own quota is a product limit, not the system's: the emulator has none here
                "AUDIOSPECTIVE_ARCHIVE_SPOTIFY_REQUESTS_PER_WINDOW", "1000000",
                // the same polls in flight whatever the number of workers, and Spotify calls allowed to match
                "AUDIOSPECTIVE_ARCHIVE_USER_CONCURRENCY", inFlight,
                "IO_AUDIOSPECTIVE_ARCHIVE_CLIENT_SPOTIFYCLIENT_RECENTLYPLAYED_BULKHEAD_VALUE", inFlight);
        Map<String, String> emulatorEnvironment = new LinkedHashMap<>();
        emulatorEnvironment.put("EMULATOR_DEFAULT_USERS", "idle:1");
        emulatorEnvironment.put("EMULATOR_TIME_SCALE", Integer.toString(timeScale));
        if (timeScale > 1) {
            // late plays wait in real time: in compressed time they would fall out of the newest 50 unseen
            emulatorEnvironment.put("EMULATOR_LATE_SHARE", "0");
        }
        try (LocalSystem system = LocalSystem.start(new LocalSystem.Options(
                        period,
                        Duration.ofSeconds(5),
                        workerCount,
                        users + 10,
                        Map.of(),
                        workerEnvironment,
                        emulatorEnvironment,
                        LocalSystem.Profile.CAPACITY,
                        replicas));
                AutovacuumStandIn vacuum =
                        AutovacuumStandIn.startIfOff(system, setting(system, "autovacuum"), this::say)) {
            EmulatorControl emulator = new EmulatorControl(system.emulator().url());
            String prefix = "cb" + Long.toString(System.currentTimeMillis(), 36);
            List<String> ids = new ArrayList<>();
            ids.addAll(emulator.createUsers("idle", users / 5, 11, prefix + "i"));
            ids.addAll(emulator.createUsers("heavy", users / 10, 11, prefix + "h"));
            ids.addAll(emulator.createUsers("typical", users - users / 5 - users / 10, 11, prefix + "t"));
            signIn(new SpotifySignIn(system.auth().url()), ids, new KafkaTally(system.kafkaBootstrap()));

            warmUp(system);
            Map<String, Long> pids = pids(system);
            List<ServiceProcess> replicasOfWork = new ArrayList<>(system.workers());
            replicasOfWork.addAll(system.apis());
            WorkShare workShare = new WorkShare();
            Map<String, WorkShare.Counters> workBefore = workShare.read(replicasOfWork);
            Map<String, ProcessStats.Sample> before = sample(pids);
            Instant from = Instant.now();
            Instant to = from.plus(measure);
            List<Long> visibleAfter = new ArrayList<>();
            while (Instant.now().isBefore(to)) {
                say("measuring, " + Duration.between(Instant.now(), to).toSeconds() + " s left: "
                        + archivedPlays(system) + " plays archived");
                visibleAfter.addAll(archivedToVisible(
                        system,
                        Duration.ofSeconds(Math.min(
                                10,
                                Math.max(1, Duration.between(Instant.now(), to).toSeconds())))));
            }
            Map<String, ProcessStats.Sample> after = sample(pids);
            Map<String, WorkShare.Counters> workAfter = workShare.read(replicasOfWork);
            Instant measuredTo = Instant.now();
            double seconds = Duration.between(from, measuredTo).toMillis() / 1000.0;

            List<ArchiveOutcome> outcomes = new KafkaTally(system.kafkaBootstrap())
                    .outcomes().stream()
                            .filter(o -> !o.completedAt().isBefore(from)
                                    && o.completedAt().isBefore(measuredTo))
                            .toList();
            long failed = outcomes.stream().filter(o -> !o.succeeded()).count();
            List<Long> latencies = outcomes.stream()
                    .filter(ArchiveOutcome::succeeded)
                    .map(o ->
                            Duration.between(o.scheduledFor(), o.completedAt()).toMillis())
                    .sorted()
                    .toList();
            long plays = playsArchivedBetween(system, from, measuredTo);

            out.println();
            out.println("==================== capacity benchmark ====================");
            out.printf(
                    "machine: %d cores, %d MiB max heap for this JVM; every process on this machine%n",
                    Runtime.getRuntime().availableProcessors(),
                    Runtime.getRuntime().maxMemory() >> 20);
            out.printf(
                    "PostgreSQL autovacuum       %10s  (the server's setting; %s)%n",
                    setting(system, "autovacuum"), vacuum.summary());
            out.printf("registered users            %10d%n", users);
            out.printf(
                    "polling period              %10s  (target %.0f user-polls/s)%n",
                    period, users / (double) period.toSeconds());
            out.printf("measured for                %10.0f s%n", seconds);
            out.printf(
                    "user-polls/s (sustained)    %10.1f  (%d polls, %d failed)%n",
                    outcomes.size() / seconds, outcomes.size(), failed);
            // failures by kind, each with one example of what the worker said
            Map<String, List<ArchiveOutcome>> failures = new TreeMap<>(outcomes.stream()
                    .filter(o -> !o.succeeded())
                    .collect(Collectors.groupingBy(o -> o.failureKind().name())));
            failures.forEach((kind, list) -> out.printf(
                    "  failed %-20s %10d  e.g. %s%n",
                    kind, list.size(), list.get(0).detail()));
            long polls = outcomes.size() - failed;
            out.printf(
                    "plays archived/s            %10.1f  (%d plays, %.2f per successful poll)%n",
                    plays / seconds, plays, polls == 0 ? 0.0 : plays / (double) polls);
            out.printf("slot -> archived p50        %10d ms%n", percentile(latencies, 0.50));
            out.printf("slot -> archived p99        %10d ms%n", percentile(latencies, 0.99));
            List<Long> visible = visibleAfter.stream().sorted().toList();
            long notVisible = visible.stream().filter(lag -> lag == NOT_VISIBLE).count();
            out.printf(
                    "archived -> visible p50     %10s  (read model, %d sampled plays, %d of them not visible within %d s)%n",
                    visibleLag(percentile(visible, 0.50)), visible.size(), notVisible, VISIBLE_GIVE_UP.toSeconds());
            out.printf("archived -> visible p99     %10s%n", visibleLag(percentile(visible, 0.99)));
            out.println("process              CPU (cores used)   RSS MiB   CPU ms/poll   CPU ms/play");
            for (String name : after.keySet()) {
                double cpu = after.get(name).cpuSeconds() - before.get(name).cpuSeconds();
                out.printf(
                        "  %-20s %10.2f %10d %13.3f %13.3f%n",
                        name,
                        cpu / seconds,
                        after.get(name).rssKib() >> 10,
                        polls == 0 ? 0.0 : 1000 * cpu / polls,
                        plays == 0 ? 0.0 : 1000 * cpu / plays);
            }
            out.println("work per replica in the window   polls   plays archived   plays records folded");
            for (String name : workAfter.keySet()) {
                WorkShare.Counters done = workAfter.get(name).minus(workBefore.get(name));
                out.printf(
                        "  %-28s %8.0f %16.0f %22.0f%n", name, done.polls(), done.playsArchived(), done.playsFolded());
            }
            printLedger(system, ids, from, measuredTo);
            baselines(system, from, measuredTo);
            out.println("=============================================================");
        }
    }

    /**
     * Whether every poll asked for in the window was done exactly once, and every play archived in it reached the
     * read model. Polls still in flight at the window's end, and plays still being folded, are waited for (at most two
     * minutes each, with progress) while the system goes on polling.
     */
    private void printLedger(LocalSystem system, List<String> members, Instant from, Instant to)
            throws SQLException, InterruptedException {
        KafkaTally tally = new KafkaTally(system.kafkaBootstrap());
        Instant giveUp = Instant.now().plusSeconds(120);
        PollLedger.Result ledger = PollLedger.of(tally.batches(), tally.outcomes(), members, from, to);
        while (ledger.notPolled() > 0 && Instant.now().isBefore(giveUp)) {
            say("ledger: " + ledger.notPolled() + " polls of the window not done yet");
            TimeUnit.SECONDS.sleep(5);
            ledger = PollLedger.of(tally.batches(), tally.outcomes(), members, from, to);
        }
        out.printf(
                "polls asked in the window   %10d  (%d batches of %d members)%n",
                ledger.asked(), ledger.batches(), members.size());
        out.printf("  polled exactly once       %10d%n", ledger.polledOnce());
        out.printf("  polled twice or more      %10d%n", ledger.polledTwice());
        // a poll still queued behind a backlog cannot be told from a lost one: the slot-to-archived figures say which
        out.printf("  not polled by the check   %10d  (lost, or still queued)%n", ledger.notPolled());
        out.printf("  member polled twice for one slot %3d%n", ledger.slotPolledTwice());
        out.printf("  members no batch asked for %9d%n", ledger.membersNeverAsked());
        long unfolded = playsNotInReadModel(system, to);
        giveUp = Instant.now().plusSeconds(120);
        while (unfolded > 0 && Instant.now().isBefore(giveUp)) {
            say("ledger: " + unfolded + " plays archived in the window not in the read model yet");
            TimeUnit.SECONDS.sleep(5);
            unfolded = playsNotInReadModel(system, to);
        }
        out.printf("plays archived by the window's end, not in the read model %d%n", unfolded);
        out.printf(
                "ledger: %s%n",
                ledger.exact() && unfolded == 0
                        ? "exact (every poll once, no member twice, every archived play in the read model)"
                        : "NOT EXACT");
    }

    private static long playsNotInReadModel(LocalSystem system, Instant to) throws SQLException {
        try (Connection connection = system.openDatabase();
                PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM archive.play_events e "
                        + "WHERE e.archived_at < ? AND NOT EXISTS "
                        + "(SELECT 1 FROM api.plays p WHERE p.user_id = e.user_id AND p.played_at = e.played_at)")) {
            statement.setTimestamp(1, Timestamp.from(to));
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    /** The plays of the window written one row per statement (the seed's approach) and by COPY (the limit). */
    private void baselines(LocalSystem system, Instant from, Instant to) throws SQLException {
        try (Connection connection = system.openDatabase();
                Statement statement = connection.createStatement()) {
            String schema = "bench_" + Long.toString(System.nanoTime(), 36);
            statement.execute("CREATE SCHEMA " + schema);
            statement.execute("CREATE TABLE " + schema + ".per_row (LIKE archive.play_events INCLUDING ALL)");
            statement.execute("CREATE TABLE " + schema + ".copied (LIKE archive.play_events INCLUDING ALL)");
            List<Object[]> rows = new ArrayList<>();
            StringBuilder csv = new StringBuilder();
            try (PreparedStatement select = connection.prepareStatement("SELECT user_id, played_at, track_id, "
                    + "ms_played FROM archive.play_events WHERE archived_at >= ? AND archived_at < ?")) {
                select.setTimestamp(1, Timestamp.from(from));
                select.setTimestamp(2, Timestamp.from(to));
                try (ResultSet result = select.executeQuery()) {
                    while (result.next()) {
                        Timestamp playedAt = result.getTimestamp(2);
                        rows.add(new Object[] {result.getString(1), playedAt, result.getString(3), result.getLong(4)});
                        csv.append(result.getString(1))
                                .append(',')
                                .append(playedAt.toInstant())
                                .append(',')
                                .append(result.getString(3))
                                .append(',')
                                .append(result.getLong(4))
                                .append(",POLL\n");
                    }
                }
            }
            if (rows.isEmpty()) {
                out.println("no plays archived in the window: baselines skipped");
                return;
            }
            long start = System.nanoTime();
            connection.setAutoCommit(true);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + schema + ".per_row "
                    + "(user_id, played_at, track_id, ms_played, source) VALUES (?, ?, ?, ?, 'POLL') "
                    + "ON CONFLICT (user_id, played_at) DO NOTHING")) {
                for (Object[] row : rows) {
                    insert.setString(1, (String) row[0]);
                    insert.setTimestamp(2, (Timestamp) row[1]);
                    insert.setString(3, (String) row[2]);
                    insert.setLong(4, (Long) row[3]);
                    insert.executeUpdate();
                }
            }
            double perRow = rows.size() / ((System.nanoTime() - start) / 1e9);
            start = System.nanoTime();
            try {
                connection
                        .unwrap(PGConnection.class)
                        .getCopyAPI()
                        .copyIn(
                                "COPY " + schema + ".copied (user_id, "
                                        + "played_at, track_id, ms_played, source) FROM STDIN WITH (FORMAT csv)",
                                new StringReader(csv.toString()));
            } catch (java.io.IOException e) {
                throw new SQLException("COPY failed: " + e.getMessage(), e);
            }
            double copy = rows.size() / ((System.nanoTime() - start) / 1e9);
            out.printf("same %d plays, one row per statement   %10.0f rows/s%n", rows.size(), perRow);
            out.printf("same %d plays, raw COPY                %10.0f rows/s%n", rows.size(), copy);
            statement.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    /**
     * At least one period, then until the workers have no more than half a period of polls queued and the read model
     * has no more plays records to fold than there are members: the members' first polls back-fill up to 50 plays each
     * (450,000 for 9,000 members), and the window is to measure the steady state, not that backlog. Gives up after
     * {@link #CATCH_UP_LIMIT} and says so.
     */
    private void warmUp(LocalSystem system) throws Exception {
        KafkaTally tally = new KafkaTally(system.kafkaBootstrap());
        long halfPeriodOfBatches = Math.max(1, users / ArchiveBatch.MAX_USERS / 2);
        Instant start = Instant.now();
        Instant periodEnd = start.plus(period).plusSeconds(15);
        while (true) {
            long queued = tally.unconsumed(Topics.ARCHIVE_BATCHES, WORKER_GROUP);
            long unfolded = tally.unconsumed(Topics.PLAYS, READ_MODEL_GROUP);
            Instant now = Instant.now();
            if (!now.isBefore(periodEnd) && queued <= halfPeriodOfBatches && unfolded <= users) {
                say("warm-up done after " + Duration.between(start, now).toSeconds() + " s: " + queued
                        + " batches of polls queued, " + unfolded + " plays records not folded yet");
                return;
            }
            if (now.isAfter(start.plus(CATCH_UP_LIMIT))) {
                say("warm-up gave up after " + CATCH_UP_LIMIT.toMinutes() + " minutes with " + queued
                        + " batches of polls queued and " + unfolded
                        + " plays records not folded yet: THE WINDOW MEASURES A BACKLOG");
                return;
            }
            say("warm-up (first polls back-fill up to 50 plays each): " + archivedPlays(system) + " plays archived, "
                    + queued + " batches of polls queued, " + unfolded + " plays records not folded yet");
            TimeUnit.SECONDS.sleep(10);
        }
    }

    private void signIn(SpotifySignIn signIn, List<String> ids, KafkaTally tally) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger done = new AtomicInteger();
        LongAdder signInNanos = new LongAdder();
        Instant start = Instant.now();
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (String id : ids) {
                results.add(pool.submit(() -> {
                    long started = System.nanoTime();
                    boolean ok = signInPatiently(signIn, id);
                    signInNanos.add(System.nanoTime() - started);
                    int count = done.incrementAndGet();
                    if (count % 1000 == 0) {
                        say(String.format(
                                "%d of %d users signed in (%.0f ms per sign-in of the last thousand; %s)",
                                count, ids.size(), signInNanos.sumThenReset() / 1e6 / 1000, queued(tally)));
                    }
                    return ok;
                }));
            }
            for (Future<Boolean> result : results) {
                if (!result.get()) {
                    throw new IllegalStateException("A sign-in did not end at the frontend");
                }
            }
        } finally {
            pool.shutdownNow();
        }
        say(String.format(
                "%d users signed in through the OAuth flow in %d s",
                ids.size(), Duration.between(start, Instant.now()).toSeconds()));
    }

    /** How many batches of polls wait for a worker, for progress lines. */
    private static String queued(KafkaTally tally) {
        try {
            return tally.unconsumed(Topics.ARCHIVE_BATCHES, WORKER_GROUP) + " batches of polls queued";
        } catch (IllegalStateException e) {
            return "polls queued unknown: " + e.getMessage();
        }
    }

    /**
     * Signs one user in, again after a step that timed out: the users signed in first are polled meanwhile, at the
     * density a saturated 2-core machine answers slowly, and the sign-ins are not what is measured.
     */
    private static boolean signInPatiently(SpotifySignIn signIn, String id) {
        for (int attempt = 1; ; attempt++) {
            try {
                return signIn.signIn(id).isPresent();
            } catch (IllegalStateException e) {
                if (attempt == 3 || !(e.getCause() instanceof java.net.http.HttpTimeoutException)) {
                    throw e;
                }
            }
        }
    }

    /**
     * For {@code window}: every second, up to ten plays archived in the last second, and how long after being
     * archived each became visible in the read model (looked for every 100 ms, for at most a minute).
     */
    /** A sampled play the read model did not show within {@link #VISIBLE_GIVE_UP}: it sorts after every lag. */
    private static final long NOT_VISIBLE = Long.MAX_VALUE;

    private static String visibleLag(long millis) {
        return millis == NOT_VISIBLE ? "over " + VISIBLE_GIVE_UP.toSeconds() + " s" : millis + " ms";
    }

    private static List<Long> archivedToVisible(LocalSystem system, Duration window)
            throws SQLException, InterruptedException {
        List<Long> lags = new ArrayList<>();
        Instant end = Instant.now().plus(window);
        try (Connection connection = system.openDatabase();
                PreparedStatement fresh = connection.prepareStatement("SELECT user_id, played_at, archived_at "
                        + "FROM archive.play_events WHERE archived_at >= now() - interval '1 second' LIMIT 10");
                PreparedStatement served =
                        connection.prepareStatement("SELECT 1 FROM api.plays WHERE user_id = ? AND played_at = ?")) {
            while (Instant.now().isBefore(end)) {
                List<Object[]> sample = new ArrayList<>();
                try (ResultSet rows = fresh.executeQuery()) {
                    while (rows.next()) {
                        sample.add(new Object[] {rows.getString(1), rows.getTimestamp(2), rows.getTimestamp(3)});
                    }
                }
                Instant giveUp = Instant.now().plus(VISIBLE_GIVE_UP);
                while (!sample.isEmpty() && Instant.now().isBefore(giveUp)) {
                    for (var it = sample.iterator(); it.hasNext(); ) {
                        Object[] play = it.next();
                        served.setString(1, (String) play[0]);
                        served.setTimestamp(2, (Timestamp) play[1]);
                        try (ResultSet found = served.executeQuery()) {
                            if (found.next()) {
                                lags.add(System.currentTimeMillis() - ((Timestamp) play[2]).getTime());
                                it.remove();
                            }
                        }
                    }
                    TimeUnit.MILLISECONDS.sleep(100);
                }
                sample.forEach(play -> lags.add(NOT_VISIBLE));
                TimeUnit.SECONDS.sleep(1);
            }
        }
        return lags;
    }

    private static Map<String, Long> pids(LocalSystem system) throws java.io.IOException {
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("spotify-emulator", system.emulator().pid());
        pids.put("kafka", system.kafkaPid());
        for (ServiceProcess auth : system.auths()) {
            pids.put(auth.name(), auth.pid());
        }
        pids.put("scheduler-service", system.scheduler().pid());
        for (ServiceProcess worker : system.workers()) {
            pids.put(worker.name(), worker.pid());
        }
        for (ServiceProcess api : system.apis()) {
            pids.put(api.name(), api.pid());
        }
        return pids;
    }

    private static Map<String, ProcessStats.Sample> sample(Map<String, Long> pids) {
        Map<String, ProcessStats.Sample> samples = new LinkedHashMap<>();
        pids.forEach((name, pid) -> samples.put(name, ProcessStats.of(List.of(pid))));
        samples.put("postgresql (all)", ProcessStats.of(ProcessStats.named("postgres")));
        samples.put("redis", ProcessStats.of(ProcessStats.named("redis-server")));
        return samples;
    }

    private static long percentile(List<Long> sorted, double quantile) {
        return sorted.isEmpty()
                ? -1
                : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(quantile * sorted.size())));
    }

    private static String setting(LocalSystem system, String name) throws SQLException {
        try (Connection connection = system.openDatabase();
                PreparedStatement statement = connection.prepareStatement("SELECT current_setting(?)")) {
            statement.setString(1, name);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getString(1);
            }
        }
    }

    private static long archivedPlays(LocalSystem system) throws SQLException {
        try (Connection connection = system.openDatabase();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT count(*) FROM archive.play_events")) {
            result.next();
            return result.getLong(1);
        }
    }

    private static long playsArchivedBetween(LocalSystem system, Instant from, Instant to) throws SQLException {
        try (Connection connection = system.openDatabase();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT count(*) FROM archive.play_events WHERE archived_at >= ? AND archived_at < ?")) {
            statement.setTimestamp(1, Timestamp.from(from));
            statement.setTimestamp(2, Timestamp.from(to));
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    private void say(String line) {
        out.println("[capacity-benchmark] " + line);
        out.flush();
    }
}
