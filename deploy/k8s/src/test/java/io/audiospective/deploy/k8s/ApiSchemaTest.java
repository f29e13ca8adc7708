package io.audiospective.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Every rendered object against its real API type ({@link ApiSchemas}), and proof that the check bites: mutated
 * copies of real objects (a misspelled field, a value of the wrong type) must fail.
 */
class ApiSchemaTest {

    /**
     * Kinds for which no API definition could be had from the registries this project may use (Maven Central, npm,
     * Debian): KEDA publishes no Java model or CRD artifact there (the npm models of KEDA accept unknown fields, so
     * they would prove nothing), and CloudNativePG publishes neither. These keep the field and type checks of
     * {@code ManifestsTest.everyObjectMatchesItsSchema}.
     */
    static final Set<String> NO_API_MODEL = Set.of("ScaledObject", "TriggerAuthentication", "Cluster");

    static List<ObjectNode> render(String dir) throws IOException {
        return Kustomize.render(Path.of("").toAbsolutePath().resolve(dir));
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/small", "overlays/production"})
    void everyObjectMatchesItsApiType(String dir) throws IOException {
        List<String> problems = new ArrayList<>();
        int validated = 0;
        for (ObjectNode o : render(dir)) {
            if (NO_API_MODEL.contains(o.path("kind").asText())) {
                continue;
            }
            String problem = ApiSchemas.problem(o);
            if (problem != null) {
                problems.add(problem);
            }
            validated++;
        }
        assertThat(problems).as(dir).isEmpty();
        assertThat(validated).isGreaterThan(30);
    }

    // ---------------------------------------------------------------- the check bites

    static ObjectNode copyOf(String kind, String name) throws IOException {
        return Kustomize.find(render("base"), kind, name).deepCopy();
    }

    static void assertRejected(ObjectNode original, Consumer<ObjectNode> mutation, String expected) {
        assertThat(ApiSchemas.problem(original)).as("unmutated").isNull();
        ObjectNode mutated = original.deepCopy();
        mutation.accept(mutated);
        assertThat(ApiSchemas.problem(mutated))
                .as("mutated copy must fail")
                .isNotNull()
                .contains(expected);
    }

    static ObjectNode firstContainer(ObjectNode workload) {
        return (ObjectNode) workload.path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0);
    }

    @Test
    void aMisspelledFieldFails() throws IOException {
        ObjectNode deployment = copyOf("Deployment", "auth-service");
        assertRejected(
                deployment,
                d -> {
                    ObjectNode c = firstContainer(d);
                    c.set("readinesProbe", c.remove("readinessProbe"));
                },
                "readinesProbe");
        assertRejected(deployment, d -> ((ObjectNode) d.path("spec")).put("replica", 2), "replica");
        assertRejected(
                copyOf("Service", "api-service"),
                s -> ((ObjectNode) s.path("spec").path("ports").get(0)).put("targetPot", 8080),
                "targetPot");
        assertRejected(
                copyOf("KafkaTopic", "plays"),
                t -> ((ObjectNode) t.path("spec"))
                        .set("partitons", t.path("spec").path("partitions")),
                "partitons");
        assertRejected(
                copyOf("Kafka", "audiospective"),
                k -> ((ObjectNode) k.path("spec").path("kafka"))
                        .set("listenrs", k.path("spec").path("kafka").path("listeners")),
                "listenrs");
        assertRejected(
                copyOf("ServiceMonitor", "audiospective"),
                m -> ((ObjectNode) m.path("spec").path("endpoints").get(0)).put("intervall", "30s"),
                "intervall");
        assertRejected(
                copyOf("PrometheusRule", "audiospective"),
                r -> ((ObjectNode) r.path("spec")
                                .path("groups")
                                .get(0)
                                .path("rules")
                                .get(0))
                        .put("expression", "up"),
                "expression");
        assertRejected(
                copyOf("NetworkPolicy", "auth-service"),
                n -> ((ObjectNode) n.path("spec")).putArray("ingres"),
                "ingres");
    }

    @Test
    void aValueOfTheWrongTypeFails() throws IOException {
        ObjectNode deployment = copyOf("Deployment", "auth-service");
        assertRejected(deployment, d -> ((ObjectNode) d.path("spec")).put("replicas", "2"), "replicas");
        assertRejected(deployment, d -> firstContainer(d).put("image", 7), "image");
        assertRejected(
                deployment,
                d -> ((ObjectNode) firstContainer(d).path("ports").get(0)).put("containerPort", "http"),
                "containerPort");
        assertRejected(deployment, d -> firstContainer(d).putObject("env"), "env");
        assertRejected(
                copyOf("ConfigMap", "audiospective-config"),
                c -> ((ObjectNode) c.path("data")).put("MEMBER_CAP", 5),
                "MEMBER_CAP");
        assertRejected(
                copyOf("KafkaTopic", "plays"), t -> ((ObjectNode) t.path("spec")).put("replicas", "3"), "replicas");
        assertRejected(
                copyOf("KafkaNodePool", "combined"),
                p -> ((ArrayNode) p.path("spec").path("roles")).add("zookeeper"),
                "roles");
        assertRejected(
                copyOf("PodDisruptionBudget", "api-service"),
                p -> ((ObjectNode) p.path("spec")).put("unhealthyPodEvictionPolicy", true),
                "unhealthyPodEvictionPolicy");
    }

    @Test
    void anUnknownKindOrVersionFails() throws IOException {
        ObjectNode deployment = copyOf("Deployment", "auth-service");
        deployment.put("apiVersion", "apps/v1beta1");
        assertThat(ApiSchemas.problem(deployment)).contains("apiVersion");
        deployment.put("kind", "Deploymnet");
        assertThat(ApiSchemas.problem(deployment)).contains("no API model");
    }
}
