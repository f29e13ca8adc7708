package io.audiospective.systemtest;

import static io.audiospective.systemtest.SystemCalls.JSON;
import static io.audiospective.systemtest.SystemCalls.await;
import static io.audiospective.systemtest.SystemCalls.get;
import static io.audiospective.systemtest.SystemCalls.plays;
import static io.audiospective.systemtest.SystemCalls.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The security review's checks across the processes (issue 21), on one system started for both.
 *
 * <p>What the local run exposes: every process listens on 127.0.0.1 only, and the scheduler's admin endpoints want an
 * admin's API token.
 *
 * <p>Account deletion: a member's plays are archived and served; they delete the account; within a second every
 * service refuses their token; soon after, no text, uuid or JSON column of any table of any schema of the run's
 * database holds their id, nor does any Redis key or hash field; the same Spotify account signs up again and sees no
 * plays, and a replay of {@code plays} (which still holds the old records) does not bring them back.
 */
class SecuritySystemTest {

    /** A listener of this run only: earlier runs' rows and Redis names (Redis databases are shared) never hold it. */
    private static String user;

    private static final Duration WAIT = Duration.ofMinutes(3);

    private static LocalSystem system;

    // a polling period of a day: no scheduled poll re-reads the member's recently-played while a test runs
    @BeforeAll
    static void startSystem() throws Exception {
        system = LocalSystem.start(
                new LocalSystem.Options(Duration.ofDays(1), Duration.ofSeconds(5), 1, 5, Map.of(), Map.of(), Map.of()));
        user = new EmulatorControl(system.emulator().url())
                .createUsers("typical", 1, 7, "sec" + Long.toString(System.currentTimeMillis(), 36))
                .get(0);
    }

    @AfterAll
    static void stopSystem() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void aDeletedMemberLeavesNothingBehindAndStartsEmptyWhenSigningUpAgain() throws Exception {
        URI api = system.api().url();
        URI auth = system.auth().url();
        URI scheduler = system.scheduler().url();
        SpotifySignIn signIn = new SpotifySignIn(auth);
        String token = signIn.signIn(user).orElseThrow(() -> new AssertionError("the sign-in did not finish"));
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> system.pollNow(user));
        int archived = await("the member's plays served", WAIT, () -> {
            int plays = plays(api, token).size();
            return plays > 0 ? plays : null;
        });

        assertThat(send(auth, token, "DELETE", "/api/v1/account", null).statusCode())
                .isEqualTo(204);

        long deletedAt = System.nanoTime();
        Awaitility.await("every service refuses the token")
                .atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> {
                    assertThat(send(api, token, "GET", "/api/v1/me", null).statusCode())
                            .as("api-service")
                            .isEqualTo(401);
                    assertThat(send(auth, token, "GET", "/api/v1/account", null).statusCode())
                            .as("auth-service")
                            .isEqualTo(401);
                    assertThat(send(scheduler, token, "GET", "/admin/users/" + user + "/schedule", null)
                                    .statusCode())
                            .as("scheduler-service")
                            .isEqualTo(401);
                });
        long refusedAfterMs = (System.nanoTime() - deletedAt) / 1_000_000;

        List<String> left = await(
                "no row and no Redis name holding the id",
                WAIT,
                () -> {
                    List<String> found = new ArrayList<>(columnsHolding(user));
                    found.addAll(system.redisNamesContaining(user));
                    return found.isEmpty() ? found : null;
                },
                () -> "still holding the id: " + columnsHolding(user) + " " + system.redisNamesContaining(user));
        assertThat(left).isEmpty();

        String again = signIn.signIn(user).orElseThrow(() -> new AssertionError("the new sign-up did not finish"));
        await("the new sign-up applied by api-service", WAIT, () -> {
            JsonNode me = get(api, again, "/api/v1/me");
            return "ACTIVE".equals(me.path("archive").path("state").asText()) ? me : null;
        });
        assertThat(plays(api, again)).isEmpty();

        String admin = system.adminToken();
        HttpResponse<String> started = send(api, admin, "POST", "/api/v1/admin/replays", null);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        int generation = JSON.readTree(started.body()).get("generation").asInt();
        JsonNode replay = await("the replay of plays", WAIT, () -> {
            JsonNode current = get(api, admin, "/api/v1/admin/replays/" + generation);
            return "COMPLETED".equals(current.get("state").asText()) ? current : null;
        });
        assertThat(replay.get("records").asLong())
                .as("the old plays were replayed")
                .isGreaterThanOrEqualTo(archived);
        assertThat(get(api, admin, "/api/v1/admin/overview")
                        .get("readModelGeneration")
                        .asInt())
                .isEqualTo(generation);
        assertThat(plays(api, again)).isEmpty();
        System.out.printf(
                "ACCOUNT DELETION SYSTEM TEST: %d plays archived, every service refused the token"
                        + " %d ms after the deletion, nothing left; %d records replayed, none of them back%n",
                archived, refusedAfterMs, replay.get("records").asLong());
    }

    /** "schema.table.column" of every text, character, uuid, JSON and array column of the run's database that holds it. */
    private static List<String> columnsHolding(String text) throws Exception {
        List<String> found = new ArrayList<>();
        try (Connection db = system.openDatabase()) {
            List<String[]> columns = new ArrayList<>();
            try (PreparedStatement query = db.prepareStatement("""
                    SELECT c.table_schema, c.table_name, c.column_name FROM information_schema.columns c
                    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                    WHERE t.table_type = 'BASE TABLE'
                      AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
                      AND c.data_type IN ('text', 'character varying', 'character', 'uuid', 'json', 'jsonb', 'ARRAY')
                    """);
                    ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    columns.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
            assertThat(columns).as("columns scanned").hasSizeGreaterThan(20);
            for (String[] column : columns) {
                String sql = "SELECT 1 FROM \"%s\".\"%s\" WHERE strpos(CAST(\"%s\" AS text), ?) > 0 LIMIT 1"
                        .formatted(column[0], column[1], column[2]);
                try (PreparedStatement query = db.prepareStatement(sql)) {
                    query.setString(1, text);
                    try (ResultSet rs = query.executeQuery()) {
                        if (rs.next()) {
                            found.add(String.join(".", column));
                        }
                    }
                }
            }
        }
        return found;
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void servicesListenOnLoopbackOnlyAndTheSchedulerWantsAnAdmin() throws Exception {
        List<InetAddress> outside = nonLoopbackAddresses();
        Assumptions.assumeFalse(outside.isEmpty(), "this machine has no address but loopback");
        {
            List<ServiceProcess> processes =
                    new ArrayList<>(List.of(system.emulator(), system.auth(), system.scheduler(), system.api()));
            processes.addAll(system.workers());
            for (ServiceProcess process : processes) {
                for (InetAddress address : outside) {
                    assertThatThrownBy(() -> connect(address, process.port()))
                            .as(process.name() + " on " + address.getHostAddress())
                            .isInstanceOf(ConnectException.class);
                }
            }

            HttpClient http = HttpClient.newHttpClient();
            HttpRequest.Builder schedule = HttpRequest.newBuilder(
                            system.scheduler().url().resolve("/admin/users/nobody/schedule"))
                    .timeout(Duration.ofSeconds(10));
            assertThat(http.send(schedule.build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode())
                    .isEqualTo(401);
            assertThat(http.send(
                                    schedule.header("Authorization", "Bearer " + system.adminToken())
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode())
                    .as("an admin gets past")
                    .isEqualTo(404);
        }
    }

    private static void connect(InetAddress address, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2_000);
        }
    }

    private static List<InetAddress> nonLoopbackAddresses() throws SocketException {
        List<InetAddress> addresses = new ArrayList<>();
        for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (network.isUp() && !network.isLoopback()) {
                Collections.list(network.getInetAddresses()).stream()
                        .filter(a -> a instanceof Inet4Address && !a.isLinkLocalAddress())
                        .forEach(addresses::add);
            }
        }
        return addresses;
    }
}
