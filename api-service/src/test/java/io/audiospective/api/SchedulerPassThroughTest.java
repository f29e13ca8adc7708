package io.audiospective.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The admin endpoints of a member's schedule and poll-now pass the request on to scheduler-service (here a stub on a
 * loopback port) with the admin's own token and answer what it answered, problems included; a member without the role
 * is refused before anything reaches the scheduler.
 */
@QuarkusTest
@QuarkusTestResource(SchedulerPassThroughTest.StubScheduler.class)
class SchedulerPassThroughTest {

    /** Stands in for scheduler-service's admin endpoints; remembers every request it got. */
    public static class StubScheduler implements QuarkusTestResourceLifecycleManager {

        static final List<String> REQUESTS = new CopyOnWriteArrayList<>();

        private HttpServer server;

        @Override
        public Map<String, String> start() {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            server.createContext("/admin/users/", StubScheduler::answer);
            server.start();
            return Map.of(
                    "quarkus.rest-client.scheduler.url",
                    "http://127.0.0.1:" + server.getAddress().getPort());
        }

        private static void answer(HttpExchange exchange) throws IOException {
            String path = exchange.getRequestURI().getRawPath();
            String user = path.split("/")[3];
            REQUESTS.add(exchange.getRequestMethod() + " " + path + " "
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            int status;
            String type = "application/json";
            String body;
            if (user.startsWith("unknown")) {
                status = 404;
                type = "application/problem+json";
                body = "{\"type\":\"urn:audiospective:problem:not-found\",\"title\":\"Not Found\",\"status\":404,"
                        + "\"detail\":\"No user " + user + "\"}";
            } else if (path.endsWith("/schedule") && exchange.getRequestMethod().equals("GET")) {
                status = 200;
                body = "{\"userId\":\"" + user + "\",\"status\":\"ACTIVE\",\"slotOffset\":\"PT17M\"}";
            } else if (path.endsWith("/poll-now") && exchange.getRequestMethod().equals("POST")) {
                status = 202;
                body = "{\"batchId\":\"b-1\",\"userId\":\"" + user + "\",\"reason\":\"MANUAL\"}";
            } else {
                status = 405;
                body = "{}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(status, bytes.length);
            try (var out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }

        @Override
        public void stop() {
            if (server != null) {
                server.stop(0);
            }
        }
    }

    @Inject
    Tokens tokens;

    @Test
    void anAdminSeesAMembersScheduleAndPollsThemNowThroughTheScheduler() {
        String member = "member-" + UUID.randomUUID();
        String admin = tokens.admin("admin-" + UUID.randomUUID());

        given().auth()
                .oauth2(admin)
                .when()
                .get("/api/v1/admin/users/{id}/schedule", member)
                .then()
                .statusCode(200)
                .header("Cache-Control", "no-store")
                .body("userId", equalTo(member))
                .body("slotOffset", equalTo("PT17M"));
        given().auth()
                .oauth2(admin)
                .when()
                .post("/api/v1/admin/users/{id}/poll-now", member)
                .then()
                .statusCode(202)
                .body("userId", equalTo(member))
                .body("reason", equalTo("MANUAL"));
        assertThat(StubScheduler.REQUESTS)
                .contains(
                        "GET /admin/users/" + member + "/schedule Bearer " + admin,
                        "POST /admin/users/" + member + "/poll-now Bearer " + admin);

        // the scheduler's problem is the caller's
        given().auth()
                .oauth2(admin)
                .when()
                .get("/api/v1/admin/users/{id}/schedule", "unknown-" + member)
                .then()
                .statusCode(404)
                .contentType(containsString("application/problem+json"))
                .body("detail", equalTo("No user unknown-" + member));
    }

    @Test
    void aMemberWithoutTheRoleIsRefusedBeforeTheScheduler() {
        String member = "member-" + UUID.randomUUID();
        given().auth()
                .oauth2(tokens.user(member))
                .when()
                .post("/api/v1/admin/users/{id}/poll-now", member)
                .then()
                .statusCode(403);
        assertThat(StubScheduler.REQUESTS).noneMatch(request -> request.contains(member));
    }
}
