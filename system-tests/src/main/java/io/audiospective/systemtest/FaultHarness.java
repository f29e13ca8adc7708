package io.audiospective.systemtest;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The whole system under faults, checked against the emulator's ground truth.
 *
 * <p>Starts every process ({@link LocalSystem}, two replicas of each service), signs hundreds of synthetic users
 * (idle, typical, heavy) in through the real OAuth flow, and runs several compressed hours while injecting, one after
 * the other: Spotify latency and 5xx, the second auth-service and an archive-worker killed with SIGKILL, revoked and
 * expired refresh tokens (those users sign in again later), faults on the accounts endpoint while members refresh
 * through both auth-services (no member may end in NEEDS_REAUTH), an api-service and a scheduler killed, a 429
 * storm with Retry-After, the Kafka broker stopped and restarted, and the PostgreSQL and Redis connections cut. Late
 * and out-of-order plays come from the emulator throughout. Then it lets the system drain and compares the archive
 * and api-service's read model with the ground truth ({@link ArchiveAudit}).
 *
 * <pre>deploy/fault-harness.sh [short|long]</pre>
 */
public final class FaultHarness {

    /** How big and how long a run is. */
    public enum Mode {
        /** For CI: 300 users, 30 s "hours", about 14 minutes in all (5.5 of them a PostgreSQL outage). */
        SHORT(60, 180, 60, Duration.ofSeconds(30), 1.0),
        /** A soak run: 1,000 users, 1-minute "hours", the fault sequence stretched over about an hour. */
        LONG(200, 600, 200, Duration.ofMinutes(1), 12.0);

        final int idle;
        final int typical;
        final int heavy;
        final Duration pollingPeriod;
        final double stretch;

        Mode(int idle, int typical, int heavy, Duration pollingPeriod, double stretch) {
            this.idle = idle;
            this.typical = typical;
            this.heavy = heavy;
            this.pollingPeriod = pollingPeriod;
            this.stretch = stretch;
        }
    }

    /** Longer than any retry budget and, by half a minute, than the max.poll.interval.ms the services run with. */
    private static final Duration POSTGRES_OUTAGE =
            LocalSystem.Profile.TEST.maxPollInterval().plusSeconds(30);

    private final Mode mode;
    private final PrintStream out;
    private final Map<String, ArchiveAudit.ReauthPeriod> reauth = new ConcurrentHashMap<>();
    private final List<String> faultLog = new ArrayList<>();
    private final List<OutageAnswers.Answer> outageAnswers = new ArrayList<>();
    private Instant loadStart;
    /** How much later than planned the steps after a long outage run. */
    private Duration delay = Duration.ZERO;

    FaultHarness(Mode mode, PrintStream out) {
        this.mode = mode;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Mode mode = args.length == 0 ? Mode.SHORT : Mode.valueOf(args[0].toUpperCase(java.util.Locale.ROOT));
        HarnessReport report = new FaultHarness(mode, System.out).run();
        System.exit(report.passed() ? 0 : 1);
    }

    HarnessReport run() throws Exception {
        Instant started = Instant.now();
        say("mode " + mode + ": " + (mode.idle + mode.typical + mode.heavy) + " users, polling period "
                + mode.pollingPeriod + "; starting Kafka, the emulator and the services");
        try (LocalSystem system = LocalSystem.start(options())) {
            say("all processes ready after "
                    + Duration.between(started, Instant.now()).toSeconds() + " s (logs: " + system.runDirectory()
                    + ")");
            EmulatorControl emulator = new EmulatorControl(system.emulator().url());
            SpotifySignIn signIn = new SpotifySignIn(system.auth().url());
            String prefix = "fh" + Long.toString(System.currentTimeMillis(), 36);
            List<String> users = new ArrayList<>();
            users.addAll(emulator.createUsers("idle", mode.idle, 7, prefix + "i"));
            users.addAll(emulator.createUsers("typical", mode.typical, 7, prefix + "t"));
            List<String> heavy = emulator.createUsers("heavy", mode.heavy, 7, prefix + "h");
            users.addAll(heavy);
            signInAll(signIn, users);
            say("signed in " + users.size() + " users through the OAuth flow");

            awaitFirstPolls(system, users.size());
            ArchiveAudit audit = new ArchiveAudit(system, emulator, mode.pollingPeriod);
            // from here on every play in a user's recently-played must reach the archive
            Map<String, Instant> windows = audit.windowStarts(users, Instant.now());
            loadStart = Instant.now();
            List<String> typical =
                    users.stream().filter(u -> u.startsWith(prefix + "t")).toList();
            PoisonFaults poison = new PoisonFaults(system, typical.get(typical.size() - 1), signIn, this::say);
            poison.prepare();
            injectFaults(system, emulator, signIn, typical, heavy, poison);

            Instant cutoff = Instant.now();
            say("faults over; waiting for the system to archive every play visible by " + cutoff);
            Instant drainDeadline =
                    cutoff.plus(mode.pollingPeriod.multipliedBy(6)).plus(Duration.ofMinutes(1));
            long missing = audit.stillMissing(windows, reauth, cutoff);
            while (missing > 0 && Instant.now().isBefore(drainDeadline)) {
                progress(system, "draining: " + missing + " plays not archived yet");
                TimeUnit.SECONDS.sleep(10);
                missing = audit.stillMissing(windows, reauth, cutoff);
            }
            // after the outages api-service's read model has a backlog of plays. Wait while it shrinks,
            // so a stalled read model fails fast and a slow one is reported with its rate.
            Instant readModelStart = Instant.now();
            audit.settleReadModelAt(readModelStart);
            Instant readModelDeadline = readModelStart.plus(Duration.ofMinutes(6));
            long behind = audit.readModelBehind(windows, reauth, cutoff);
            long behindAtStart = behind;
            long lastBehind = behind;
            Instant lastProgress = Instant.now();
            while (behind > 0
                    && Instant.now().isBefore(readModelDeadline)
                    && Duration.between(lastProgress, Instant.now()).compareTo(Duration.ofSeconds(45)) < 0) {
                progress(system, "read model: " + behind + " plays behind the archive");
                TimeUnit.SECONDS.sleep(5);
                behind = audit.readModelBehind(windows, reauth, cutoff);
                if (behind < lastBehind) {
                    lastBehind = behind;
                    lastProgress = Instant.now();
                }
            }
            long readModelSeconds =
                    Math.max(1, Duration.between(readModelStart, Instant.now()).toSeconds());
            say(String.format(
                    "read model caught up %d plays in %d s (%.0f plays/s)",
                    behindAtStart - behind, readModelSeconds, (behindAtStart - behind) / (double) readModelSeconds));
            ArchiveAudit.Result result = audit.audit(windows, reauth, cutoff);
            KafkaTally kafka = new KafkaTally(system.kafkaBootstrap());
            HarnessReport report = new HarnessReport(
                    mode.name(),
                    users.size(),
                    mode.pollingPeriod,
                    Duration.between(started, Instant.now()),
                    result,
                    kafka.playEvents(),
                    kafka.pollsByOutcome(),
                    kafka.deadLetters(),
                    reauth.size(),
                    faultLog,
                    poison.outcome(),
                    needingReauth(system),
                    outageAnswers);
            report.print(out);
            if (!report.passed()) {
                system.dumpThreads();
                say("thread dumps of every service written to their logs in " + system.runDirectory());
            }
            return report;
        }
    }

    private LocalSystem.Options options() {
        Map<String, String> scheduler = new LinkedHashMap<>();
        // backoffs compressed like the hour: a failed user is retried within a few periods, not hours later
        for (String kind : List.of("NETWORK", "UNKNOWN", "AUTH", "RATE_LIMITED")) {
            scheduler.put(
                    "AUDIOSPECTIVE_SCHEDULER_BACKOFF_" + kind + "_BASE",
                    mode.pollingPeriod.dividedBy(3).toString());
            scheduler.put(
                    "AUDIOSPECTIVE_SCHEDULER_BACKOFF_" + kind + "_MAX",
                    mode.pollingPeriod.multipliedBy(2).toString());
        }
        Map<String, String> emulator = new LinkedHashMap<>();
        emulator.put("EMULATOR_DEFAULT_USERS", "idle:1");
        // late plays arrive behind newer ones, within the run
        emulator.put("EMULATOR_LATE_SHARE", "0.1");
        emulator.put(
                "EMULATOR_LATE_MAX_DELAY", mode.pollingPeriod.multipliedBy(3).toString());
        // two of every service: the replicas share the work and take over; archive-worker-2 and api-service-2 ask
        // auth-service-2 for tokens and keys
        return new LocalSystem.Options(
                mode.pollingPeriod,
                Duration.ofSeconds(5),
                2,
                100_000,
                scheduler,
                Map.of(),
                emulator,
                LocalSystem.Profile.TEST,
                2);
    }

    private void injectFaults(
            LocalSystem system,
            EmulatorControl emulator,
            SpotifySignIn signIn,
            List<String> typical,
            List<String> heavy,
            PoisonFaults poison)
            throws Exception {
        List<String> revoked = new ArrayList<>(typical.subList(0, 6));
        revoked.addAll(heavy.subList(0, 2));
        List<String> expired = new ArrayList<>(typical.subList(6, 9));
        expired.add(heavy.get(2));
        // members whose access tokens Spotify drops while its accounts service is faulted: each refreshes then
        List<String> refreshing = new ArrayList<>(typical.subList(9, 39));
        refreshing.addAll(heavy.subList(3, 13));

        at(
                system,
                20,
                "Spotify: latency 20-300 ms and 15% 5xx",
                () -> emulator.settings(Map.of(
                        "latency",
                        Map.of("distribution", "uniform", "min_ms", 20, "max_ms", 300),
                        "server_error_rate",
                        0.15)));
        // before any refresh is forced: a refresh cut off after Spotify rotated the token is one nobody could save
        at(
                system,
                25,
                "auth-service-2 killed with SIGKILL",
                () -> system.kill(system.auths().get(1)));
        at(
                system,
                30,
                "a poison import uploaded (true plays and entries dated year 290000 or played -1 ms)",
                poison::uploadImport);
        at(
                system,
                35,
                "auth-service-2 restarted",
                () -> system.restart(system.auths().get(1)));
        at(
                system,
                40,
                "poison records written straight onto plays (one year 290000, one not JSON)",
                poison::writeRecords);
        at(
                system,
                45,
                "archive-worker-1 killed with SIGKILL",
                () -> system.kill(system.workers().get(0)));
        at(system, 60, "refresh tokens revoked for " + revoked.size() + " users, expired for " + expired.size(), () -> {
            Instant now = Instant.now();
            for (String user : revoked) {
                emulator.revokeRefreshTokens(user);
                emulator.expireAccessTokens(user);
                reauth.put(user, new ArchiveAudit.ReauthPeriod(now, null));
            }
            for (String user : expired) {
                emulator.expireRefreshTokens(user);
                emulator.expireAccessTokens(user);
                reauth.put(user, new ArchiveAudit.ReauthPeriod(now, null));
            }
        });
        at(
                system,
                75,
                "archive-worker-1 restarted",
                () -> system.restart(system.workers().get(0)));
        at(
                system,
                85,
                "api-service-2 killed with SIGKILL while folding",
                () -> system.kill(system.apis().get(1)));
        // a refresh rotates the single-use refresh token before its answer comes: a slow, failed or uncommitted
        // answer must not cost the member their authorisation (nobody here may end in NEEDS_REAUTH)
        at(
                system,
                90,
                "Spotify accounts faulted during refreshes: /api/token also 15% 5xx, its answers 1-7 s late; "
                        + "access tokens of " + refreshing.size() + " users dropped, so they refresh now",
                () -> {
                    emulator.settings(Map.of(
                            "faults_on_accounts",
                            true,
                            "accounts_latency",
                            Map.of("distribution", "uniform", "min_ms", 1000, "max_ms", 7000)));
                    refreshing.forEach(emulator::expireAccessTokens);
                });
        at(
                system,
                100,
                "Spotify: 5xx off, 429 storm (30% of requests, Retry-After 3 s); accounts latency on",
                () -> emulator.settings(
                        Map.of("server_error_rate", 0.0, "too_many_requests_rate", 0.3, "retry_after_seconds", 3)));
        at(
                system,
                110,
                "access tokens of the same " + refreshing.size() + " users dropped again, refreshing "
                        + "under the accounts latency",
                () -> refreshing.forEach(emulator::expireAccessTokens));
        at(
                system,
                105,
                "api-service-2 restarted",
                () -> system.restart(system.apis().get(1)));
        at(
                system,
                115,
                "scheduler-service (the leader) killed with SIGKILL",
                () -> system.kill(system.schedulers().get(0)));
        at(system, 130, "Spotify healthy again; Kafka broker stopped", () -> {
            emulator.resetSettings();
            system.stopKafka();
        });
        at(system, 150, "Kafka broker started again", system::startKafka);
        at(
                system,
                155,
                "scheduler-service restarted",
                () -> system.restart(system.schedulers().get(0)));
        at(system, 165, "Redis flushed (idempotency keys, cached tokens, rate-limit pause gone)", system::flushRedis);
        // longer than any retry budget: consumers must hold their position, not dead-letter, until it is back;
        // every later step moves by the outage's length
        at(system, 175, "PostgreSQL connections cut for " + POSTGRES_OUTAGE.toSeconds() + " s", () -> {
            system.postgresLink().interrupt();
            delay = POSTGRES_OUTAGE.minusMillis((long) (15_000 * mode.stretch));
            outageAnswers.addAll(OutageAnswers.ask(system));
        });
        at(
                system,
                190,
                "PostgreSQL reachable again",
                () -> system.postgresLink().restore());
        at(system, 205, "Redis connections cut", () -> system.redisLink().interrupt());
        at(system, 220, "Redis reachable again", () -> system.redisLink().restore());
        at(system, 230, "the " + reauth.size() + " revoked and expired users sign in again", () -> {
            for (String user : reauth.keySet()) {
                if (signIn.signIn(user).isEmpty()) {
                    throw new IllegalStateException("Re-authorisation of " + user + " did not end at the frontend");
                }
                reauth.computeIfPresent(user, (u, p) -> new ArchiveAudit.ReauthPeriod(p.revokedAt(), Instant.now()));
            }
        });
        at(system, 250, "end of the fault sequence", () -> {});
    }

    /** Runs {@code fault} at {@code seconds} (stretched by the mode) after the load started, showing progress. */
    private void at(LocalSystem system, int seconds, String what, Step fault) throws Exception {
        Instant when =
                loadStart.plusMillis((long) (seconds * 1000 * mode.stretch)).plus(delay);
        while (Instant.now().isBefore(when)) {
            progress(
                    system,
                    "next: " + what + " in "
                            + Duration.between(Instant.now(), when).toSeconds() + " s");
            TimeUnit.MILLISECONDS.sleep(Math.min(
                    10_000, Math.max(1, Duration.between(Instant.now(), when).toMillis())));
        }
        fault.run();
        String line = "+" + Duration.between(loadStart, Instant.now()).toSeconds() + " s  " + what;
        faultLog.add(line);
        say(line);
    }

    private void progress(LocalSystem system, String state) {
        try (var connection = system.openDatabase();
                var statement = connection.createStatement();
                var result =
                        statement.executeQuery("SELECT count(*), count(DISTINCT user_id) FROM archive.play_events")) {
            result.next();
            say(String.format("%s | %d plays archived for %d users", state, result.getLong(1), result.getLong(2)));
        } catch (java.sql.SQLException e) {
            say(state + " | archive not readable right now: " + e.getMessage());
        }
    }

    /** Members auth-service holds in NEEDS_REAUTH now. */
    private static List<String> needingReauth(LocalSystem system) throws java.sql.SQLException {
        List<String> ids = new ArrayList<>();
        try (var connection = system.openDatabase();
                var statement = connection.createStatement();
                var result = statement.executeQuery(
                        "SELECT spotify_user_id FROM auth.members WHERE status = 'NEEDS_REAUTH' ORDER BY 1")) {
            while (result.next()) {
                ids.add(result.getString(1));
            }
        }
        return ids;
    }

    /** Waits (fault-free) until every user's first poll is done: their archive starts with that page. */
    private void awaitFirstPolls(LocalSystem system, int users) throws Exception {
        Instant deadline = Instant.now().plus(mode.pollingPeriod.multipliedBy(4));
        while (true) {
            long polled;
            try (var connection = system.openDatabase();
                    var statement = connection.createStatement();
                    var result = statement.executeQuery(
                            "SELECT count(*) FROM scheduler.scheduled_users WHERE last_outcome_at IS NOT NULL")) {
                result.next();
                polled = result.getLong(1);
            }
            if (polled >= users) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Only " + polled + " of " + users + " users were polled within "
                        + Duration.between(deadline.minus(mode.pollingPeriod.multipliedBy(4)), deadline));
            }
            progress(system, "first polls: " + polled + " of " + users + " users polled");
            TimeUnit.SECONDS.sleep(5);
        }
    }

    private static void signInAll(SpotifySignIn signIn, List<String> users) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (String user : users) {
                results.add(pool.submit(() -> signIn.signIn(user).isPresent()));
            }
            for (int i = 0; i < users.size(); i++) {
                if (!results.get(i).get()) {
                    throw new IllegalStateException("Sign-in of " + users.get(i) + " did not end at the frontend");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    void say(String line) {
        out.println("[fault-harness] " + line);
        out.flush();
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }
}
