package io.audiospective.systemtest;

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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the local run exposes: every process listens on 127.0.0.1 only, and the scheduler's admin endpoints want an
 * admin's API token.
 */
class LocalSystemExposureTest {

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void servicesListenOnLoopbackOnlyAndTheSchedulerWantsAnAdmin() throws Exception {
        List<InetAddress> outside = nonLoopbackAddresses();
        Assumptions.assumeFalse(outside.isEmpty(), "this machine has no address but loopback");
        try (LocalSystem system = LocalSystem.start(new LocalSystem.Options(
                Duration.ofHours(1), Duration.ofSeconds(5), 1, 5, Map.of(), Map.of(), Map.of()))) {
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
