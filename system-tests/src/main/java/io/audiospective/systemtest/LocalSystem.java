package io.audiospective.systemtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

import io.audiospective.support.security.PemKeys;
import io.audiospective.testing.TcpForwarder;

/**
 * The whole system on this machine as separate processes: a KRaft broker ({@code deploy/kafka.sh}, own state
 * directory and ports), the Spotify emulator and the four packaged services, against the local PostgreSQL (a fresh
 * database, dropped on close) and Redis. In the {@link Profile#TEST} profile PostgreSQL and Redis are reached
 * through {@link TcpForwarder}s so a run can interrupt them. Every port is picked free, so it runs beside
 * {@code deploy/run-local.sh} and other builds.
 */
public final class LocalSystem implements AutoCloseable {

    /**
     * The emulator's user with the admin role in every run (auth-service's {@code ADMIN_USER_IDS}): signed in, their
     * API token carries it, as an operator's does. No other test signs them in.
     */
    public static final String ADMIN_MEMBER = "idle-1-1";

    /**
     * @param pollingPeriod how often each user is polled (compressed runs use seconds)
     * @param workers archive-worker instances (one consumer group)
     * @param schedulerEnvironment extra settings of the scheduler (backoffs scaled to the period, for example)
     * @param workerEnvironment extra settings of the workers (concurrency, rate budget)
     * @param emulatorEnvironment extra settings of the emulator (default users, late plays)
     * @param replicas auth-service, scheduler-service and api-service instances (each service one consumer group)
     * @param apiEnvironment extra settings of every api-service (replay batch size and lease, for example)
     * @param authEnvironment extra settings of every auth-service (its mail relay, for example)
     */
    public record Options(
            Duration pollingPeriod,
            Duration scheduleWindow,
            int workers,
            int memberCap,
            Map<String, String> schedulerEnvironment,
            Map<String, String> workerEnvironment,
            Map<String, String> emulatorEnvironment,
            Profile profile,
            int replicas,
            Map<String, String> apiEnvironment,
            Map<String, String> authEnvironment) {

        public Options(
                Duration pollingPeriod,
                Duration scheduleWindow,
                int workers,
                int memberCap,
                Map<String, String> schedulerEnvironment,
                Map<String, String> workerEnvironment,
                Map<String, String> emulatorEnvironment,
                Profile profile,
                int replicas,
                Map<String, String> apiEnvironment) {
            this(
                    pollingPeriod,
                    scheduleWindow,
                    workers,
                    memberCap,
                    schedulerEnvironment,
                    workerEnvironment,
                    emulatorEnvironment,
                    profile,
                    replicas,
                    apiEnvironment,
                    Map.of());
        }

        /** These options with {@code environment} on top of auth-service's (its mail relay, for example). */
        public Options withAuthEnvironment(Map<String, String> environment) {
            return new Options(
                    pollingPeriod,
                    scheduleWindow,
                    workers,
                    memberCap,
                    schedulerEnvironment,
                    workerEnvironment,
                    emulatorEnvironment,
                    profile,
                    replicas,
                    apiEnvironment,
                    environment);
        }

        public Options(
                Duration pollingPeriod,
                Duration scheduleWindow,
                int workers,
                int memberCap,
                Map<String, String> schedulerEnvironment,
                Map<String, String> workerEnvironment,
                Map<String, String> emulatorEnvironment,
                Profile profile,
                int replicas) {
            this(
                    pollingPeriod,
                    scheduleWindow,
                    workers,
                    memberCap,
                    schedulerEnvironment,
                    workerEnvironment,
                    emulatorEnvironment,
                    profile,
                    replicas,
                    Map.of());
        }

        public Options(
                Duration pollingPeriod,
                Duration scheduleWindow,
                int workers,
                int memberCap,
                Map<String, String> schedulerEnvironment,
                Map<String, String> workerEnvironment,
                Map<String, String> emulatorEnvironment,
                Profile profile) {
            this(
                    pollingPeriod,
                    scheduleWindow,
                    workers,
                    memberCap,
                    schedulerEnvironment,
                    workerEnvironment,
                    emulatorEnvironment,
                    profile,
                    1);
        }

        public Options(
                Duration pollingPeriod,
                Duration scheduleWindow,
                int workers,
                int memberCap,
                Map<String, String> schedulerEnvironment,
                Map<String, String> workerEnvironment,
                Map<String, String> emulatorEnvironment) {
            this(
                    pollingPeriod,
                    scheduleWindow,
                    workers,
                    memberCap,
                    schedulerEnvironment,
                    workerEnvironment,
                    emulatorEnvironment,
                    Profile.TEST);
        }
    }

    /** How the processes run. */
    public enum Profile {
        /**
         * For tests and the fault harness: PostgreSQL and Redis behind links a run can cut, and JVMs that start
         * fast (C1 only: a run is minutes long, so the optimising compiler would cost more than it saves).
         */
        TEST(
                List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                true,
                // consumers are given up on after 2 minutes without a poll (5 in production), so that an outage
                // of a few minutes outlasts that limit as a longer one would outlast production's
                Duration.ofMinutes(2)),
        /**
         * For measuring: as in production, direct connections and the full JIT (the forwarders copy every
         * PostgreSQL and Redis byte through this JVM, and C1-only code runs slower at steady state). The heap and
         * collector are those a small container gets.
         */
        CAPACITY(List.of("-Xmx384m", "-XX:+UseSerialGC"), false, Duration.ofMinutes(5));

        private final List<String> jvmOptions;
        private final boolean cuttableLinks;
        private final Duration maxPollInterval;

        Profile(List<String> jvmOptions, boolean cuttableLinks, Duration maxPollInterval) {
            this.jvmOptions = jvmOptions;
            this.cuttableLinks = cuttableLinks;
            this.maxPollInterval = maxPollInterval;
        }

        /** The services' consumer poll-interval limit ({@code max.poll.interval.ms}), for a test that outlasts it. */
        public Duration maxPollInterval() {
            return maxPollInterval;
        }
    }

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(4);

    private final Path root;
    private final Path runDir;
    private final String database;
    private final TcpForwarder postgres;
    private final TcpForwarder redis;
    private final Profile profile;
    private static final Duration KAFKA_START = Duration.ofMinutes(3);

    private final Map<String, String> kafkaEnvironment = new HashMap<>();
    private final String kafkaBootstrap;
    private final ServiceProcess emulator;
    /** auth-service replicas: members sign in at the first, whose URL is the issuer every replica's tokens name. */
    private final List<ServiceProcess> auths = new ArrayList<>();

    private final List<ServiceProcess> schedulers = new ArrayList<>();
    private final List<ServiceProcess> workers = new ArrayList<>();
    private final List<ServiceProcess> apis = new ArrayList<>();
    /** api-services of their own, each with its own database ({@link #startSeparateApi}). */
    private final List<ServiceProcess> separateApis = new ArrayList<>();

    private final List<String> separateDatabases = new ArrayList<>();
    /** Every api-service's environment, the base of a separate one's. */
    private final Map<String, String> apiEnvironment = new LinkedHashMap<>();
    /** The run's own Redis database index (1-15). */
    private final int redisDatabase;
    /** The credential of auth-service's /internal endpoints in this run; never printed. */
    private final String serviceToken;
    /** auth-service's API token signing key in this run, so the harness can act as an admin; never printed. */
    private final KeyPair signingKey;

    private final String issuer;
    private volatile boolean kafkaRunning;
    private Thread shutdownHook;
    private boolean closed;

    private LocalSystem(Options options) throws IOException {
        root = projectRoot();
        for (String jar : List.of(
                "deploy/spotify-emulator", "auth-service", "scheduler-service", "archive-worker", "api-service")) {
            if (!Files.isRegularFile(jarOf(jar))) {
                throw new IllegalStateException(jar + " is not packaged; run ./mvnw -B install -DskipTests first");
            }
        }
        String runId = Long.toString(System.currentTimeMillis(), 36);
        runDir = root.resolve("system-tests/target/runs/" + runId);
        Files.createDirectories(runDir);
        database = "system_" + runId;

        profile = options.profile();
        postgres = profile.cuttableLinks
                ? TcpForwarder.start(
                        TcpForwarder.freePort(), Infrastructure.postgresHost(), Infrastructure.postgresPort())
                : null;
        redis = profile.cuttableLinks
                ? TcpForwarder.start(TcpForwarder.freePort(), Infrastructure.redisHost(), Infrastructure.redisPort())
                : null;
        int kafkaPort = TcpForwarder.freePort();
        kafkaBootstrap = "127.0.0.1:" + kafkaPort;
        kafkaEnvironment.put("AUDIOSPECTIVE_HOME", runDir.toString());
        kafkaEnvironment.put("KAFKA_PORT", Integer.toString(kafkaPort));
        kafkaEnvironment.put("KAFKA_CONTROLLER_PORT", Integer.toString(TcpForwarder.freePort()));
        // a broker starting beside four services' JVMs on a loaded machine can take more than the script's minute
        kafkaEnvironment.put("KAFKA_START_TIMEOUT", Long.toString(KAFKA_START.toSeconds()));

        int emulatorPort = TcpForwarder.freePort();
        Map<String, String> emulatorEnv = new LinkedHashMap<>(options.emulatorEnvironment());
        emulatorEnv.put("EMULATOR_HOST", "127.0.0.1");
        emulatorEnv.put("EMULATOR_PORT", Integer.toString(emulatorPort));
        emulatorEnv.put("EMULATOR_REDIRECT_URIS", "http://127.0.0.1/login/spotify");
        // the app's client secret, for auth-service's app token (catalogue look-ups); generated per run
        String clientSecret = randomSecret();
        emulatorEnv.put("EMULATOR_CLIENT_SECRET", clientSecret);
        emulator = java(
                "spotify-emulator", emulatorPort, jarOf("deploy/spotify-emulator"), emulatorEnv, "/emulator/settings");

        int authPort = TcpForwarder.freePort();
        int apiPort = TcpForwarder.freePort();
        Map<String, String> common = new LinkedHashMap<>();
        common.put("DB_HOST", postgres == null ? Infrastructure.postgresHost() : "127.0.0.1");
        common.put("DB_PORT", Integer.toString(postgres == null ? Infrastructure.postgresPort() : postgres.port()));
        common.put("DB_NAME", database);
        common.put("DB_USER", Infrastructure.postgresUser());
        common.put("DB_PASSWORD", Infrastructure.postgresPassword());
        // a Redis database of its own (1-15), so the worker's shared rate-limit pause and idempotency keys are not
        // those of the test suite (database 0) or of a run beside it
        redisDatabase = 1 + Math.floorMod(runId.hashCode(), 15);
        common.put(
                "REDIS_URL",
                "redis://" + (redis == null ? Infrastructure.redisHost() : "127.0.0.1") + ":"
                        + (redis == null ? Infrastructure.redisPort() : redis.port()) + "/" + redisDatabase);
        common.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap);
        common.put(
                "KAFKA_MAX_POLL_INTERVAL_MS",
                Long.toString(options.profile().maxPollInterval().toMillis()));
        common.put("POLLING_PERIOD", options.pollingPeriod().toString());
        common.put("SCHEDULE_WINDOW", options.scheduleWindow().toString());
        common.put("SPOTIFY_ACCOUNTS_URL", emulator.url().toString());
        common.put("SPOTIFY_API_URL", emulator.url().toString());
        common.put("API_TOKEN_ISSUER", "http://127.0.0.1:" + authPort);
        // plain HTTP on loopback: a Secure sign-in cookie would not come back
        common.put("AUTH_SECURE_COOKIES", "false");
        common.put("AUTH_SERVICE_URL", "http://127.0.0.1:" + authPort);
        common.put("FRONTEND_URL", "http://127.0.0.1:" + apiPort + "/");
        common.put("MEMBER_CAP", Integer.toString(options.memberCap()));
        // generated per run, handed to the children only, never written anywhere
        serviceToken = randomSecret();
        common.put("SERVICE_TOKEN", serviceToken);
        common.put("VAULT_KEYS", "run1:" + randomSecret());
        common.put("VAULT_ACTIVE_KEY_ID", "run1");
        common.put("OIDC_STATE_SECRET", randomSecret());
        // the services run in the prod profile, where auth-service refuses to start without a signing key
        signingKey = PemKeys.newRsaKeyPair();
        common.put("API_TOKEN_SIGNING_KEY", PemKeys.pem(signingKey.getPrivate()));
        issuer = "http://127.0.0.1:" + authPort;

        Map<String, String> authEnv = new LinkedHashMap<>(common);
        authEnv.put("SPOTIFY_CLIENT_SECRET", clientSecret);
        authEnv.put("ADMIN_USER_IDS", ADMIN_MEMBER);
        // the monthly summary mail asks api-service (the first replica) for the member's numbers
        authEnv.put("API_SERVICE_URL", "http://127.0.0.1:" + apiPort);
        authEnv.putAll(options.authEnvironment());
        // one environment, so every replica opens the same vault, signs with the same key and names the same issuer
        for (int i = 1; i <= options.replicas(); i++) {
            auths.add(java(
                    i == 1 ? "auth-service" : "auth-service-" + i,
                    i == 1 ? authPort : TcpForwarder.freePort(),
                    jarOf("auth-service"),
                    authEnv,
                    "/q/health/ready"));
        }
        Map<String, String> schedulerEnv = new LinkedHashMap<>(common);
        schedulerEnv.putAll(options.schedulerEnvironment());
        for (int i = 1; i <= options.replicas(); i++) {
            schedulers.add(java(
                    i == 1 ? "scheduler-service" : "scheduler-service-" + i,
                    TcpForwarder.freePort(),
                    jarOf("scheduler-service"),
                    schedulerEnv,
                    "/q/health/ready"));
        }
        Map<String, String> workerEnv = new LinkedHashMap<>(common);
        workerEnv.putAll(options.workerEnvironment());
        for (int i = 1; i <= options.workers(); i++) {
            workers.add(java(
                    "archive-worker-" + i,
                    TcpForwarder.freePort(),
                    jarOf("archive-worker"),
                    askingAuthReplica(workerEnv, i),
                    "/q/health/ready"));
        }
        Map<String, String> apiEnv = new LinkedHashMap<>(common);
        // the emulator serves the album covers of its catalogue: the dashboard may show them
        URI emulatorUrl = emulator.url();
        apiEnv.put(
                "DASHBOARD_IMAGE_ORIGINS",
                "https://i.scdn.co," + emulatorUrl.getScheme() + "://" + emulatorUrl.getAuthority());
        // the admin page's schedule look-ups and poll-now, passed on by api-service
        apiEnv.put("SCHEDULER_URL", schedulers.get(0).url().toString());
        apiEnv.putAll(options.apiEnvironment());
        apiEnvironment.putAll(apiEnv);
        for (int i = 1; i <= options.replicas(); i++) {
            apis.add(java(
                    i == 1 ? "api-service" : "api-service-" + i,
                    i == 1 ? apiPort : TcpForwarder.freePort(),
                    jarOf("api-service"),
                    askingAuthReplica(apiEnv, i),
                    "/q/health/ready"));
        }
    }

    /**
     * {@code environment} for the {@code instance}-th (from 1) process of a service: the processes ask the auth-service
     * replicas in turn, so every replica serves its share of access tokens and JWKS, and members' tokens are refreshed
     * by several processes side by side, as in a cluster.
     */
    private Map<String, String> askingAuthReplica(Map<String, String> environment, int instance) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put(
                "AUTH_SERVICE_URL",
                auths.get((instance - 1) % auths.size()).url().toString());
        return env;
    }

    /** Starts everything and returns once every process reports ready. */
    public static LocalSystem start(Options options) throws IOException, InterruptedException {
        LocalSystem system = new LocalSystem(options);
        // Ctrl-C or a kill of the harness still stops every process it started
        Thread stopOnExit = new Thread(system::close, "local-system-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        system.shutdownHook = stopOnExit;
        CompletableFuture<Void> kafka = CompletableFuture.completedFuture(null);
        try {
            system.createDatabase();
            // the broker takes about 20 s to start; the emulator and the services start meanwhile and wait for it as
            // they wait for a restarted broker (readiness reports Kafka), which saves those seconds in every test
            kafka = CompletableFuture.runAsync(system::startKafkaUnchecked);
            system.emulator.start();
            system.emulator.awaitReady(READY_TIMEOUT);
            for (ServiceProcess service : system.services()) {
                service.start();
            }
            kafka.join();
            for (ServiceProcess service : system.services()) {
                service.awaitReady(READY_TIMEOUT);
            }
            return system;
        } catch (IOException | InterruptedException | RuntimeException e) {
            // a broker still starting is running by the time close() looks
            kafka.handle((done, failure) -> null).join();
            system.close();
            throw e;
        }
    }

    public Path runDirectory() {
        return runDir;
    }

    public ServiceProcess emulator() {
        return emulator;
    }

    /** The first auth-service: members sign in there, and it issues their API tokens. */
    public ServiceProcess auth() {
        return auths.get(0);
    }

    public List<ServiceProcess> auths() {
        return List.copyOf(auths);
    }

    /** The first scheduler-service, the one {@link #pollNow} asks. */
    public ServiceProcess scheduler() {
        return schedulers.get(0);
    }

    public List<ServiceProcess> schedulers() {
        return List.copyOf(schedulers);
    }

    /** The first api-service, the one members' clients call. */
    public ServiceProcess api() {
        return apis.get(0);
    }

    public List<ServiceProcess> apis() {
        return List.copyOf(apis);
    }

    public List<ServiceProcess> workers() {
        return List.copyOf(workers);
    }

    public String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    /** The broker's process id, from the pid file deploy/kafka.sh keeps. */
    public long kafkaPid() throws IOException {
        return Long.parseLong(
                Files.readString(runDir.resolve("kafka/kafka.pid")).strip());
    }

    /** The link every service reaches PostgreSQL through. */
    public TcpForwarder postgresLink() {
        return link(postgres);
    }

    /** The link every service reaches Redis through. */
    public TcpForwarder redisLink() {
        return link(redis);
    }

    private TcpForwarder link(TcpForwarder forwarder) {
        if (forwarder == null) {
            throw new IllegalStateException("The " + profile + " profile connects the services directly");
        }
        return forwarder;
    }

    /** A JDBC connection to this run's database (directly, not through the interruptible link). */
    public Connection openDatabase() throws SQLException {
        return DriverManager.getConnection(
                Infrastructure.jdbcUrl(database), Infrastructure.postgresUser(), Infrastructure.postgresPassword());
    }

    /** The database of the api-service {@link #startSeparateApi} started under {@code name}. */
    public Connection openSeparateDatabase(String name) throws SQLException {
        return DriverManager.getConnection(
                Infrastructure.jdbcUrl(separateDatabase(name)),
                Infrastructure.postgresUser(),
                Infrastructure.postgresPassword());
    }

    private String separateDatabase(String name) {
        return database + "_" + name.replaceAll("[^a-z0-9]", "_");
    }

    /**
     * Asks the scheduler to poll the member now. False until the scheduler knows the member (it has read the
     * REGISTERED event), so callers retry.
     */
    public boolean pollNow(String userId) throws IOException, InterruptedException {
        HttpResponse<Void> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(scheduler().url().resolve("/admin/users/" + userId + "/poll-now"))
                                .header("Authorization", "Bearer " + adminToken())
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
        return response.statusCode() / 100 == 2;
    }

    /**
     * An API token with the admin role, signed with this run's key exactly as auth-service signs its tokens (key id =
     * the key's JWK thumbprint), for the scheduler's admin endpoints.
     */
    public String adminToken() {
        return apiToken("local-system", "user", "admin");
    }

    /**
     * An API token of member {@code userId} (role {@code user}), signed as auth-service signs them: for members whose
     * plays a test writes onto {@code plays} itself, who never signed in.
     */
    public String memberToken(String userId) {
        return apiToken(userId, "user");
    }

    private String apiToken(String subject, String... groups) {
        RsaJsonWebKey jwk = new RsaJsonWebKey((RSAPublicKey) signingKey.getPublic());
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setAudience("audiospective-api");
        claims.setSubject(subject);
        claims.setStringListClaim("groups", groups);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(5);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(signingKey.getPrivate());
        jws.setKeyIdHeaderValue(jwk.calculateBase64urlEncodedThumbprint("SHA-256"));
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The credential the services present to each other, for a check that asks as a worker would. */
    String serviceToken() {
        return serviceToken;
    }

    /**
     * A Spotify access token of a signed-in member, from auth-service as the workers get theirs: for a tool that
     * reads Spotify's (the emulator's) Web API as that member.
     */
    public String spotifyAccessToken(String userId) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(auth().url().resolve("/internal/users/" + userId + "/access-token"))
                                .header("Authorization", "Bearer " + serviceToken)
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("No access token for " + userId + ": " + response.statusCode());
        }
        return new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(response.body())
                .get("accessToken")
                .asText();
    }

    /** The lines of every service's log (and the emulator's) that match, each prefixed by the process's name. */
    public List<String> logLines(Predicate<String> matching) throws IOException {
        List<ServiceProcess> all = new ArrayList<>(services());
        all.add(emulator);
        List<String> found = new ArrayList<>();
        for (ServiceProcess process : all) {
            if (Files.isRegularFile(process.log())) {
                try (var lines = Files.lines(process.log())) {
                    lines.filter(matching).forEach(line -> found.add(process.name() + ": " + line));
                }
            }
        }
        return found;
    }

    /** SIGQUIT to every service: each JVM writes a thread dump into its log, for a run that went wrong. */
    public void dumpThreads() {
        for (ServiceProcess service : services()) {
            if (service.isAlive()) {
                try {
                    new ProcessBuilder("kill", "-QUIT", Long.toString(service.pid()))
                            .start()
                            .waitFor();
                } catch (IOException e) {
                    System.err.println("No thread dump of " + service.name() + ": " + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Starts one more api-service beside the run's: the same settings, but a database of its own (created now, dropped
     * at the end), consumer groups of its own (so it takes no partition from the run's api-services and reads every
     * topic from its start), no shared answer cache, and {@code environment} on top (another plays topic, for
     * example). A second, independent read model of the same system.
     */
    public ServiceProcess startSeparateApi(String name, Map<String, String> environment)
            throws IOException, InterruptedException {
        String separateDatabase = separateDatabase(name);
        adminStatement("CREATE DATABASE \"" + separateDatabase + "\"");
        separateDatabases.add(separateDatabase);
        Map<String, String> env = new LinkedHashMap<>(apiEnvironment);
        env.put("DB_NAME", separateDatabase);
        for (String channel : List.of("PLAYS", "USERS", "ARCHIVE_OUTCOMES", "IMPORTS_PROGRESS", "CATALOGUE_ARTISTS")) {
            env.put("MP_MESSAGING_INCOMING_" + channel + "_GROUP_ID", name + "-" + channel.toLowerCase());
        }
        env.put("AUDIOSPECTIVE_API_STATS_CACHE_ENABLED", "false");
        env.putAll(environment);
        ServiceProcess api = java(name, TcpForwarder.freePort(), jarOf("api-service"), env, "/q/health/ready");
        separateApis.add(api);
        api.start();
        api.awaitReady(READY_TIMEOUT);
        return api;
    }

    /** A crash: SIGKILL, no shutdown hooks, in-flight batches abandoned. */
    public void kill(ServiceProcess process) throws InterruptedException {
        process.kill();
    }

    public void restart(ServiceProcess process) throws IOException, InterruptedException {
        process.stop();
        process.start();
        process.awaitReady(READY_TIMEOUT);
    }

    /**
     * Empties the run's Redis database (idempotency keys, cached tokens, the shared rate-limit pause), as a Redis
     * restart without persistence would; directly, not through the interruptible link.
     */
    public void flushRedis() throws IOException {
        try (Socket socket = new Socket(Infrastructure.redisHost(), Infrastructure.redisPort())) {
            socket.setSoTimeout(10_000);
            String select = Integer.toString(redisDatabase);
            socket.getOutputStream()
                    .write(("*2\r\n$6\r\nSELECT\r\n$" + select.length() + "\r\n" + select
                                    + "\r\n*1\r\n$7\r\nFLUSHDB\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            BufferedReader replies =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            for (int i = 0; i < 2; i++) {
                String reply = replies.readLine();
                if (reply == null || !reply.startsWith("+OK")) {
                    throw new IOException("Redis refused to flush database " + redisDatabase + ": " + reply);
                }
            }
        }
    }

    /**
     * The names of the run's Redis keys that contain {@code text}, and of the fields of its hashes that do: where a
     * member's id could be left behind. Directly, not through the interruptible link.
     */
    public List<String> redisNamesContaining(String text) throws IOException {
        List<String> found = new ArrayList<>();
        for (String key : redisArray("KEYS", "*")) {
            if (key.contains(text)) {
                found.add(key);
            }
            if ("hash".equals(redisArray("TYPE", key).get(0))) {
                for (String field : redisArray("HKEYS", key)) {
                    if (field.contains(text)) {
                        found.add(key + " / " + field);
                    }
                }
            }
        }
        return found;
    }

    /** One command on the run's Redis database; its reply as strings (a status, a bulk string or an array of them). */
    private List<String> redisArray(String... command) throws IOException {
        try (Socket socket = new Socket(Infrastructure.redisHost(), Infrastructure.redisPort())) {
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder();
            String select = Integer.toString(redisDatabase);
            request.append("*2\r\n$6\r\nSELECT\r\n$")
                    .append(select.length())
                    .append("\r\n")
                    .append(select)
                    .append("\r\n*")
                    .append(command.length)
                    .append("\r\n");
            for (String part : command) {
                request.append('$')
                        .append(part.getBytes(StandardCharsets.UTF_8).length)
                        .append("\r\n")
                        .append(part)
                        .append("\r\n");
            }
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.UTF_8));
            BufferedReader replies =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String selected = replies.readLine();
            if (selected == null || !selected.startsWith("+OK")) {
                throw new IOException("Redis refused to select database " + redisDatabase + ": " + selected);
            }
            String reply = replies.readLine();
            if (reply == null || reply.startsWith("-")) {
                throw new IOException("Redis refused " + command[0] + ": " + reply);
            }
            List<String> values = new ArrayList<>();
            if (reply.startsWith("+")) {
                values.add(reply.substring(1));
            } else if (reply.startsWith("$") && !reply.equals("$-1")) {
                values.add(replies.readLine());
            } else if (reply.startsWith("*")) {
                int count = Integer.parseInt(reply.substring(1));
                for (int i = 0; i < count; i++) {
                    replies.readLine();
                    values.add(replies.readLine());
                }
            }
            return values;
        }
    }

    public void stopKafka() throws IOException, InterruptedException {
        kafka("stop");
        kafkaRunning = false;
    }

    public void startKafka() throws IOException, InterruptedException {
        kafka("start");
        kafkaRunning = true;
    }

    private void startKafkaUnchecked() {
        try {
            startKafka();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the broker started", e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook is running this
            }
        }
        List<ServiceProcess> all = new ArrayList<>(services());
        all.add(emulator);
        for (ServiceProcess process : all) {
            try {
                process.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // not started
            }
        }
        try {
            if (kafkaRunning) {
                stopKafka();
            }
        } catch (IOException | InterruptedException e) {
            System.err.println("Could not stop the broker: " + e.getMessage());
        }
        if (postgres != null) {
            postgres.close();
            redis.close();
        }
        dropDatabase();
        for (String separate : separateDatabases) {
            try {
                adminStatement("DROP DATABASE IF EXISTS \"" + separate + "\" WITH (FORCE)");
            } catch (IllegalStateException e) {
                System.err.println(e.getMessage());
            }
        }
    }

    private List<ServiceProcess> services() {
        List<ServiceProcess> services = new ArrayList<>(auths);
        services.addAll(schedulers);
        services.addAll(workers);
        services.addAll(apis);
        services.addAll(separateApis);
        return services;
    }

    private ServiceProcess java(String name, int port, Path jar, Map<String, String> environment, String ready) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("HTTP_PORT", Integer.toString(port));
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(javaBin));
        command.addAll(profile.jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        return new ServiceProcess(name, port, command, env, runDir.resolve(name + ".log"), ready);
    }

    private Path jarOf(String module) {
        return root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    private void kafka(String command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(
                        "bash", root.resolve("deploy/kafka.sh").toString(), command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        runDir.resolve("kafka.sh.log").toFile()));
        builder.environment().putAll(kafkaEnvironment);
        Process process = builder.start();
        if (!process.waitFor(KAFKA_START.plusMinutes(1).toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(
                    "deploy/kafka.sh " + command + " failed; see " + runDir.resolve("kafka.sh.log"));
        }
    }

    private void createDatabase() {
        adminStatement("CREATE DATABASE \"" + database + "\"");
    }

    private void dropDatabase() {
        try {
            adminStatement("DROP DATABASE IF EXISTS \"" + database + "\" WITH (FORCE)");
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
        }
    }

    private static void adminStatement(String sql) {
        try (Connection connection = DriverManager.getConnection(
                        Infrastructure.jdbcUrl("postgres"),
                        Infrastructure.postgresUser(),
                        Infrastructure.postgresPassword());
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL refused " + sql + ": " + e.getMessage(), e);
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** The checkout's root: {@code audiospective.root} (surefire sets it) or the first directory above with {@code deploy/kafka.sh}. */
    public static Path projectRoot() {
        String configured = System.getProperty("audiospective.root");
        Path candidate = Path.of(configured != null ? configured : "").toAbsolutePath();
        for (Path dir = candidate; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("deploy/kafka.sh"))) {
                return dir;
            }
        }
        throw new IllegalStateException(
                "Run from the Audiospective checkout (deploy/kafka.sh not found above " + candidate + ")");
    }
}
