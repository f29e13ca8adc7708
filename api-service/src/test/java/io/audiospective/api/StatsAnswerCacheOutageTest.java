package io.audiospective.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.audiospective.api.service.ReadModelService;
import io.audiospective.model.PlayEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The answer cache's Redis accepts connections and never answers (the worst kind of outage: nothing fails fast).
 * Every statistics read still answers, computed, and a new play still shows. Its own application instance.
 */
@QuarkusTest
@TestProfile(StatsAnswerCacheOutageTest.SilentCache.class)
class StatsAnswerCacheOutageTest {

    public static class SilentCache implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(SilentRedis.class));
        }
    }

    /** A TCP server on a loopback port that takes connections and whatever is sent, and never answers. */
    public static class SilentRedis implements QuarkusTestResourceLifecycleManager {

        private ServerSocket server;

        @Override
        public Map<String, String> start() {
            try {
                server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            Thread acceptor = new Thread(
                    () -> {
                        while (!server.isClosed()) {
                            try {
                                Socket socket = server.accept();
                                Thread reader = new Thread(() -> swallow(socket), "silent-redis-connection");
                                reader.setDaemon(true);
                                reader.start();
                            } catch (IOException e) {
                                return;
                            }
                        }
                    },
                    "silent-redis");
            acceptor.setDaemon(true);
            acceptor.start();
            return Map.of("quarkus.redis.stats-cache.hosts", "redis://127.0.0.1:" + server.getLocalPort());
        }

        private static void swallow(Socket socket) {
            try (socket;
                    InputStream in = socket.getInputStream()) {
                in.transferTo(OutputStreamThatDiscards.INSTANCE);
            } catch (IOException e) {
                // the client gave up on this connection
            }
        }

        @Override
        public void stop() {
            try {
                server.close();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final class OutputStreamThatDiscards extends java.io.OutputStream {
        static final OutputStreamThatDiscards INSTANCE = new OutputStreamThatDiscards();

        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}
    }

    @Inject
    Tokens tokens;

    @Inject
    ReadModelService readModel;

    @Inject
    MeterRegistry metrics;

    @Test
    void statisticsAreComputedWhileTheCacheDoesNotAnswer() {
        String user = ApiBehaviourTest.fresh();
        List<PlayEvent> plays = ApiBehaviourTest.plays(user, "o", 3);
        readModel.applyLive(plays.subList(0, 2));

        for (int i = 0; i < 5; i++) {
            given().auth()
                    .oauth2(tokens.user(user))
                    .queryParam("period", "year")
                    .queryParam("date", "2025-05-01")
                    .when()
                    .get("/api/v1/me/stats/summary")
                    .then()
                    .statusCode(200)
                    .body("plays", equalTo(2));
        }
        readModel.applyLive(plays.subList(2, 3));
        given().auth()
                .oauth2(tokens.user(user))
                .queryParam("period", "year")
                .queryParam("date", "2025-05-01")
                .when()
                .get("/api/v1/me/stats/summary")
                .then()
                .statusCode(200)
                .body("plays", equalTo(3));
        given().auth()
                .oauth2(tokens.user(user))
                .when()
                .get("/api/v1/me/stats/top/tracks")
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(3));

        // the silent Redis was asked (and timed out), and no answer came from it
        assertThat(metrics.counter("audiospective.stats.cache", "result", "unavailable")
                        .count())
                .isPositive();
        assertThat(metrics.counter("audiospective.stats.cache", "result", "hit").count())
                .isZero();
    }
}
