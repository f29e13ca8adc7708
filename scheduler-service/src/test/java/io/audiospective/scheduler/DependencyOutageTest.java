package io.audiospective.scheduler;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.audiospective.testing.TcpForwarder;
import io.audiospective.testing.UnreachableInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The service starts while PostgreSQL, Redis and Kafka are all unreachable: it stays alive, reports each one
 * DOWN on readiness with a reason, and becomes ready by itself once they are reachable.
 */
@QuarkusTest
@TestProfile(DependencyOutageTest.DependenciesUnreachableAtStart.class)
class DependencyOutageTest {

    private final List<TcpForwarder> forwarders = new ArrayList<>();

    @AfterEach
    void closeForwarders() {
        forwarders.forEach(TcpForwarder::close);
    }

    @Test
    void readinessIsDownWhileDependenciesAreUnreachableAndRecoversWhenTheyReturn() throws IOException {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(503)
                .body("status", equalTo("DOWN"))
                .body(
                        "checks.findAll { it.status == 'DOWN' }.name",
                        hasItems(
                                "database-schema",
                                "Database connections health check",
                                "Redis connection health check",
                                "kafka"))
                .body("checks.find { it.name == 'database-schema' }.data.reason", not(emptyOrNullString()));

        for (String dependency : List.of("postgres", "redis", "kafka")) {
            forwarders.add(forward(dependency));
        }

        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> given().when()
                        .get("/q/health/ready")
                        .then()
                        .statusCode(200)
                        .body("status", equalTo("UP")));
    }

    private static TcpForwarder forward(String dependency) throws IOException {
        var config = ConfigProvider.getConfig();
        int port = config.getValue("audiospective.test.port." + dependency, Integer.class);
        String[] target = config.getValue("audiospective.test.target." + dependency, String.class)
                .split(":");
        return TcpForwarder.start(port, target[0], Integer.parseInt(target[1]));
    }

    public static class DependenciesUnreachableAtStart implements QuarkusTestProfile {

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(UnreachableInfrastructure.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("audiospective.schema-migration.retry-interval", "1s");
        }
    }
}
