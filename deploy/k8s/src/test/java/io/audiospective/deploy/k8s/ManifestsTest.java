package io.audiospective.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Validates the base and both overlays, rendered by {@link Kustomize}: object schemas, configuration keys the services
 * require, probe paths, ports, Ingress and NetworkPolicy exposure, Kafka topics and scaling, and that alert rules and
 * the dashboard only name metrics the services really export. Runs without kubectl; with kubectl on the PATH it also
 * checks that kubectl renders exactly the same objects.
 */
class ManifestsTest {

    static final Path K8S = Path.of("").toAbsolutePath();
    static final Path ROOT = K8S.resolve("../..").normalize();
    static final Map<String, String> SERVICES = Map.of(
            "auth-service",
            "auth-service",
            "scheduler-service",
            "scheduler-service",
            "archive-worker",
            "archive-worker",
            "api-service",
            "api-service");

    static List<ObjectNode> render(String dir) throws IOException {
        return Kustomize.render(K8S.resolve(dir));
    }

    static List<ObjectNode> ofKind(List<ObjectNode> objects, String kind) {
        return objects.stream()
                .filter(o -> o.path("kind").asText().equals(kind))
                .toList();
    }

    static String name(JsonNode o) {
        return o.path("metadata").path("name").asText();
    }

    // ---------------------------------------------------------------- schema

    /** apiVersion of every kind these manifests may use, and the fields each must have, with their JSON type. */
    static final Map<String, String> API_VERSIONS = Map.ofEntries(
            Map.entry("Namespace", "v1"),
            Map.entry("ConfigMap", "v1"),
            Map.entry("Service", "v1"),
            Map.entry("Deployment", "apps/v1"),
            Map.entry("StatefulSet", "apps/v1"),
            Map.entry("PodDisruptionBudget", "policy/v1"),
            Map.entry("Ingress", "networking.k8s.io/v1"),
            Map.entry("NetworkPolicy", "networking.k8s.io/v1"),
            Map.entry("ScaledObject", "keda.sh/v1alpha1"),
            Map.entry("TriggerAuthentication", "keda.sh/v1alpha1"),
            Map.entry("Kafka", "kafka.strimzi.io/v1beta2"),
            Map.entry("KafkaNodePool", "kafka.strimzi.io/v1beta2"),
            Map.entry("KafkaTopic", "kafka.strimzi.io/v1beta2"),
            Map.entry("KafkaUser", "kafka.strimzi.io/v1beta2"),
            Map.entry("Cluster", "postgresql.cnpg.io/v1"),
            Map.entry("ServiceMonitor", "monitoring.coreos.com/v1"),
            Map.entry("PrometheusRule", "monitoring.coreos.com/v1"));

    static final Map<String, List<String>> REQUIRED = Map.ofEntries(
            Map.entry("Namespace", List.of()),
            Map.entry("ConfigMap", List.of("data:object")),
            Map.entry(
                    "Service",
                    List.of(
                            "spec.selector:object",
                            "spec.ports:array",
                            "spec.ports[].port:int",
                            "spec.ports[].name:string")),
            Map.entry(
                    "Deployment",
                    List.of(
                            "spec.selector.matchLabels:object",
                            "spec.template.metadata.labels:object",
                            "spec.strategy.type:string",
                            "spec.template.spec.containers:array",
                            "spec.template.spec.containers[].name:string",
                            "spec.template.spec.containers[].image:string",
                            "spec.template.spec.containers[].ports:array",
                            "spec.template.spec.containers[].resources.requests.cpu:string",
                            "spec.template.spec.containers[].resources.requests.memory:string",
                            "spec.template.spec.containers[].resources.limits.memory:string",
                            "spec.template.spec.containers[].livenessProbe.httpGet.path:string",
                            "spec.template.spec.containers[].readinessProbe.httpGet.path:string")),
            Map.entry(
                    "StatefulSet",
                    List.of(
                            "spec.serviceName:string",
                            "spec.selector.matchLabels:object",
                            "spec.template.spec.containers:array",
                            "spec.template.spec.containers[].image:string",
                            "spec.template.spec.containers[].resources.limits.memory:string",
                            "spec.volumeClaimTemplates:array")),
            Map.entry("PodDisruptionBudget", List.of("spec.selector.matchLabels:object")),
            Map.entry(
                    "Ingress",
                    List.of(
                            "spec.ingressClassName:string",
                            "spec.rules:array",
                            "spec.rules[].host:string",
                            "spec.rules[].http.paths:array")),
            Map.entry("NetworkPolicy", List.of("spec.podSelector:object", "spec.policyTypes:array")),
            Map.entry(
                    "ScaledObject",
                    List.of(
                            "spec.scaleTargetRef.name:string",
                            "spec.minReplicaCount:int",
                            "spec.maxReplicaCount:int",
                            "spec.triggers:array",
                            "spec.triggers[].type:string",
                            "spec.triggers[].metadata.topic:string",
                            "spec.triggers[].metadata.consumerGroup:string",
                            "spec.triggers[].metadata.bootstrapServers:string",
                            "spec.triggers[].metadata.lagThreshold:string")),
            Map.entry(
                    "TriggerAuthentication",
                    List.of(
                            "spec.secretTargetRef:array",
                            "spec.secretTargetRef[].parameter:string",
                            "spec.secretTargetRef[].name:string",
                            "spec.secretTargetRef[].key:string")),
            Map.entry(
                    "KafkaUser",
                    List.of(
                            "metadata.labels.strimzi\\.io/cluster:string",
                            "spec.authentication.type:string",
                            "spec.authorization.type:string",
                            "spec.authorization.acls:array")),
            Map.entry(
                    "Kafka",
                    List.of(
                            "spec.kafka.version:string",
                            "spec.kafka.listeners:array",
                            "spec.kafka.listeners[].name:string",
                            "spec.kafka.listeners[].port:int",
                            "spec.kafka.listeners[].type:string",
                            "spec.kafka.listeners[].tls:boolean",
                            "spec.entityOperator:object",
                            "metadata.annotations:object")),
            Map.entry(
                    "KafkaNodePool",
                    List.of(
                            "metadata.labels.strimzi\\.io/cluster:string",
                            "spec.replicas:int",
                            "spec.roles:array",
                            "spec.storage.type:string")),
            Map.entry(
                    "KafkaTopic",
                    List.of(
                            "metadata.labels.strimzi\\.io/cluster:string",
                            "spec.topicName:string",
                            "spec.partitions:int",
                            "spec.replicas:int",
                            "spec.config.retention\\.ms:int")),
            Map.entry(
                    "Cluster",
                    List.of(
                            "spec.instances:int",
                            "spec.storage.size:string",
                            "spec.bootstrap.initdb.database:string",
                            "spec.bootstrap.initdb.owner:string")),
            Map.entry(
                    "ServiceMonitor",
                    List.of(
                            "spec.selector:object",
                            "spec.endpoints:array",
                            "spec.endpoints[].port:string",
                            "spec.endpoints[].path:string")),
            Map.entry(
                    "PrometheusRule",
                    List.of(
                            "spec.groups:array",
                            "spec.groups[].name:string",
                            "spec.groups[].rules:array",
                            "spec.groups[].rules[].alert:string",
                            "spec.groups[].rules[].expr:string",
                            "spec.groups[].rules[].labels.severity:string")));

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/small", "overlays/production"})
    void everyObjectMatchesItsSchema(String dir) throws IOException {
        List<ObjectNode> objects = render(dir);
        Set<String> seen = new HashSet<>();
        for (ObjectNode o : objects) {
            String kind = o.path("kind").asText();
            assertThat(API_VERSIONS).as("known kind").containsKey(kind);
            assertThat(o.path("apiVersion").asText()).as(kind + " apiVersion").isEqualTo(API_VERSIONS.get(kind));
            assertThat(name(o)).as(kind + " name").matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
            assertThat(seen.add(kind + "/" + name(o)))
                    .as("unique " + kind + "/" + name(o))
                    .isTrue();
            if (!kind.equals("Namespace")) {
                assertThat(o.path("metadata").path("namespace").asText())
                        .as(kind + " namespace")
                        .isEqualTo("audiospective");
            }
            for (String field : REQUIRED.get(kind)) {
                String[] pathAndType = field.split(":(?=[a-z]+$)");
                check(o, pathAndType[0], pathAndType[1], kind + "/" + name(o) + " " + pathAndType[0]);
            }
        }
        assertThat(objects.stream().map(o -> o.path("kind").asText()).collect(Collectors.toSet()))
                .containsAll(API_VERSIONS.keySet());
        assertThat(ofKind(objects, "Secret")).as("no secret values committed").isEmpty();
    }

    /** path segments split on unescaped dots; "x[]" = every item of list x. */
    static void check(JsonNode node, String path, String type, String what) {
        String[] parts = path.split("(?<!\\\\)\\.", 2);
        String head = parts[0].replace("\\.", ".");
        boolean each = head.endsWith("[]");
        JsonNode child = node.path(each ? head.substring(0, head.length() - 2) : head);
        if (each) {
            assertThat(child.isArray() && !child.isEmpty())
                    .as(what + ": non-empty list")
                    .isTrue();
            for (JsonNode item : child) {
                check(item, parts[1], type, what);
            }
            return;
        }
        if (parts.length == 2) {
            assertThat(child.isObject()).as(what + ": " + head + " present").isTrue();
            check(child, parts[1], type, what);
            return;
        }
        boolean ok = switch (type) {
            case "object" -> child.isObject();
            case "array" -> child.isArray() && !child.isEmpty();
            case "int" -> child.isInt() || child.isLong();
            case "string" -> child.isTextual() && !child.asText().isBlank();
            case "boolean" -> child.isBoolean();
            default -> throw new IllegalArgumentException(type);
        };
        assertThat(ok).as(what + " is a " + type + " (was " + child + ")").isTrue();
    }

    // ---------------------------------------------------------------- services

    static Properties properties(String service) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(
                Files.readString(ROOT.resolve(service + "/src/main/resources/application.properties"))));
        return p;
    }

    static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::([^}]*))?}");

    /** Strimzi's Secret with the cluster CA of the Kafka cluster {@code audiospective}. */
    static final String CLUSTER_CA_SECRET = "audiospective-cluster-ca-cert";

    /** Where the container finds the Kafka cluster CA's certificate, mounted from Strimzi's Secret; null if nowhere. */
    static String trustedCaFile(List<ObjectNode> objects, String service, JsonNode container) {
        JsonNode pod = Kustomize.find(objects, "Deployment", service)
                .path("spec")
                .path("template")
                .path("spec");
        for (JsonNode volume : pod.path("volumes")) {
            JsonNode secret = volume.path("secret");
            if (!CLUSTER_CA_SECRET.equals(secret.path("secretName").asText())) {
                continue;
            }
            for (JsonNode mount : container.path("volumeMounts")) {
                if (mount.path("name").asText().equals(volume.path("name").asText())) {
                    for (JsonNode item : secret.path("items")) {
                        if (item.path("key").asText().equals("ca.crt")) {
                            return mount.path("mountPath").asText() + "/"
                                    + item.path("path").asText();
                        }
                    }
                }
            }
        }
        return null;
    }

    static ObjectNode container(List<ObjectNode> objects, String service) {
        return (ObjectNode) Kustomize.find(objects, "Deployment", service)
                .path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0);
    }

    static Map<String, String> environment(List<ObjectNode> objects, JsonNode container) {
        Map<String, String> env = new HashMap<>();
        for (JsonNode from : container.path("envFrom")) {
            String cm = from.path("configMapRef").path("name").asText();
            assertThat(cm)
                    .as("envFrom only from ConfigMaps (Secrets key by key)")
                    .isNotEmpty();
            Kustomize.find(objects, "ConfigMap", cm)
                    .path("data")
                    .fields()
                    .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        }
        for (JsonNode e : container.path("env")) {
            JsonNode secret = e.path("valueFrom").path("secretKeyRef");
            env.put(
                    e.path("name").asText(),
                    secret.isMissingNode()
                            ? e.path("value").asText()
                            : "secret:" + secret.path("name").asText() + "/"
                                    + secret.path("key").asText());
        }
        return env;
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/small", "overlays/production"})
    void everyRequiredSettingIsProvided(String dir) throws IOException {
        List<ObjectNode> objects = render(dir);
        for (String service : SERVICES.keySet()) {
            Map<String, String> env = environment(objects, container(objects, service));
            Properties props = properties(service);
            for (String key : props.stringPropertyNames()) {
                if (key.startsWith("%")) {
                    continue;
                }
                Matcher m = ENV_REF.matcher(props.getProperty(key));
                while (m.find()) {
                    String var = m.group(1);
                    String fallback = m.group(2);
                    // ${A:${B:default}}: A is optional, and B is held to the rules as if it stood alone
                    while (fallback != null && fallback.startsWith("${")) {
                        Matcher inner = ENV_REF.matcher(fallback + "}");
                        if (!inner.find()) {
                            break;
                        }
                        var = inner.group(1);
                        fallback = inner.group(2);
                    }
                    if (fallback == null) {
                        assertThat(env)
                                .as(service + " needs " + var + " (" + key + ", no default)")
                                .containsKey(var);
                    } else if (fallback.contains("127.0.0.1") || fallback.contains("localhost")) {
                        assertThat(env)
                                .as(service + ": " + var + " defaults to this machine (" + key + ")")
                                .containsKey(var);
                        assertThat(env.get(var)).as(service + " " + var).doesNotContain("127.0.0.1", "localhost");
                    }
                }
            }
        }
        // Every replica of auth-service must sign API tokens with the same key.
        assertThat(environment(objects, container(objects, "auth-service"))).containsKey("API_TOKEN_SIGNING_KEY");
        // Only the workers (and auth-service itself) hold the credential /internal requires.
        for (String service : SERVICES.keySet()) {
            boolean holds = environment(objects, container(objects, service)).containsKey("SERVICE_TOKEN");
            assertThat(holds)
                    .as(service + " holds SERVICE_TOKEN")
                    .isEqualTo(service.equals("auth-service") || service.equals("archive-worker"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/small", "overlays/production"})
    void probesAndPortsMatchTheServices(String dir) throws IOException {
        List<ObjectNode> objects = render(dir);
        String supportPom = Files.readString(ROOT.resolve("service-support/pom.xml"));
        for (String service : SERVICES.keySet()) {
            String pom = Files.readString(ROOT.resolve(service + "/pom.xml"));
            assertThat(pom.contains("quarkus-smallrye-health")
                            || pom.contains("<artifactId>service-support</artifactId>")
                                    && supportPom.contains("quarkus-smallrye-health"))
                    .as(service + " serves /q/health")
                    .isTrue();
            assertThat(pom).as(service + " serves /q/metrics").contains("quarkus-micrometer-registry-prometheus");

            Matcher m = ENV_REF.matcher(properties(service).getProperty("quarkus.http.port"));
            assertThat(m.find()).isTrue();
            JsonNode c = container(objects, service);
            String port = environment(objects, c).getOrDefault(m.group(1), m.group(2));
            int httpPort = Integer.parseInt(port);

            int containerPort = -1;
            for (JsonNode p : c.path("ports")) {
                if (p.path("name").asText().equals("http")) {
                    containerPort = p.path("containerPort").asInt();
                }
            }
            assertThat(containerPort)
                    .as(service + " containerPort = quarkus.http.port")
                    .isEqualTo(httpPort);
            assertThat(c.path("livenessProbe").path("httpGet").path("path").asText())
                    .isEqualTo("/q/health/live");
            assertThat(c.path("readinessProbe").path("httpGet").path("path").asText())
                    .isEqualTo("/q/health/ready");
            for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                JsonNode p = c.path(probe).path("httpGet").path("port");
                if (!p.isMissingNode()) {
                    assertThat(p.isInt() ? p.asInt() == httpPort : p.asText().equals("http"))
                            .as(service + " " + probe + " port")
                            .isTrue();
                }
            }
            JsonNode svc = Kustomize.find(objects, "Service", service);
            assertThat(svc.path("spec").path("selector"))
                    .isEqualTo(Kustomize.find(objects, "Deployment", service)
                            .path("spec")
                            .path("selector")
                            .path("matchLabels"));
            for (JsonNode p : svc.path("spec").path("ports")) {
                JsonNode target = p.path("targetPort");
                assertThat(
                                target.isInt()
                                        ? target.asInt() == httpPort
                                        : target.asText().equals("http"))
                        .as(service + " Service targetPort")
                        .isTrue();
            }
            JsonNode deployment = Kustomize.find(objects, "Deployment", service);
            assertThat(deployment.path("spec").path("strategy").path("type").asText())
                    .isEqualTo("RollingUpdate");
            JsonNode pdb = Kustomize.find(objects, "PodDisruptionBudget", service);
            assertThat(pdb.path("spec").path("selector").path("matchLabels"))
                    .isEqualTo(deployment.path("spec").path("selector").path("matchLabels"));
            int replicas = deployment.path("spec").path("replicas").asInt(1);
            if (pdb.path("spec").has("minAvailable") && !service.equals("archive-worker")) {
                assertThat(pdb.path("spec").path("minAvailable").asInt())
                        .as(service + " PDB must allow a drain")
                        .isLessThan(replicas);
            }
        }
        assertThat(Kustomize.find(objects, "Deployment", "scheduler-service")
                        .path("spec")
                        .path("replicas")
                        .asInt())
                .as("scheduler: two replicas, one leader")
                .isEqualTo(2);
        assertThat(Kustomize.find(objects, "Deployment", "archive-worker")
                        .path("spec")
                        .has("replicas"))
                .as("archive-worker replicas belong to KEDA")
                .isFalse();
    }

    // ---------------------------------------------------------------- exposure

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/small", "overlays/production"})
    void onlyPublicPathsAreExposedAndInternalOnlyToTheWorkers(String dir) throws IOException {
        List<ObjectNode> objects = render(dir);
        Set<String> exposed = new TreeSet<>();
        for (JsonNode ingress : ofKind(objects, "Ingress")) {
            for (JsonNode rule : ingress.path("spec").path("rules")) {
                for (JsonNode p : rule.path("http").path("paths")) {
                    JsonNode backend = p.path("backend").path("service");
                    String svc = backend.path("name").asText();
                    assertThat(svc).isIn("auth-service", "api-service");
                    JsonNode service = Kustomize.find(objects, "Service", svc);
                    String portName = backend.path("port").path("name").asText();
                    assertThat(service.path("spec").path("ports").findValuesAsText("name"))
                            .contains(portName);
                    String path = p.path("path").asText();
                    String type = p.path("pathType").asText();
                    assertThat(type).isIn("Prefix", "Exact");
                    for (String secret : List.of(
                            "/internal/users/x/access-token",
                            "/q/health/ready",
                            "/q/metrics",
                            "/admin/users/x/schedule",
                            "/anything-else")) {
                        assertThat(routes(type, path, secret))
                                .as(svc + " path " + path + " must not route " + secret)
                                .isFalse();
                    }
                    // "/" only ever as the dashboard's page, never as a prefix of everything
                    assertThat(!path.equals("/") || type.equals("Exact") && svc.equals("api-service"))
                            .as("/ routed only Exact, to the dashboard")
                            .isTrue();
                    exposed.add(svc + path);
                }
            }
        }
        assertThat(exposed)
                .contains(
                        "auth-service/login",
                        "auth-service/.well-known",
                        "auth-service/waitlist",
                        "api-service/api/v1");

        Set<String> allowedToAuth = new TreeSet<>();
        boolean authSelected = false;
        for (JsonNode np : ofKind(objects, "NetworkPolicy")) {
            JsonNode selector = np.path("spec").path("podSelector").path("matchLabels");
            boolean selectsAuth = selector.path("app.kubernetes.io/name")
                            .asText()
                            .equals("auth-service")
                    || selector.path("app.kubernetes.io/part-of").asText().equals("audiospective")
                            && selector.size() == 1;
            if (!selectsAuth) {
                continue;
            }
            authSelected = true;
            for (JsonNode rule : np.path("spec").path("ingress")) {
                assertThat(rule.has("from"))
                        .as("no rule open to everyone: " + name(np))
                        .isTrue();
                for (JsonNode from : rule.path("from")) {
                    assertThat(from.has("ipBlock")).isFalse();
                    if (from.has("podSelector")) {
                        allowedToAuth.add(from.path("podSelector")
                                .path("matchLabels")
                                .path("app.kubernetes.io/name")
                                .asText());
                    } else {
                        allowedToAuth.add("ns:"
                                + from.path("namespaceSelector")
                                        .path("matchLabels")
                                        .path("kubernetes.io/metadata.name")
                                        .asText());
                    }
                }
            }
        }
        assertThat(authSelected).isTrue();
        assertThat(allowedToAuth)
                .containsExactlyInAnyOrder(
                        "archive-worker", "api-service", "scheduler-service", "ns:ingress-nginx", "ns:monitoring");
    }

    static boolean routes(String type, String path, String request) {
        return type.equals("Exact")
                ? path.equals(request)
                : request.equals(path) || request.startsWith(path.endsWith("/") ? path : path + "/");
    }

    static Set<String> routed(JsonNode ingress, String host, String service) {
        Set<String> paths = new TreeSet<>();
        for (JsonNode rule : ingress.path("spec").path("rules")) {
            if (rule.path("host").asText().equals(host)) {
                for (JsonNode p : rule.path("http").path("paths")) {
                    if (p.path("backend").path("service").path("name").asText().equals(service)) {
                        paths.add(p.path("pathType").asText() + " "
                                + p.path("path").asText());
                    }
                }
            }
        }
        return paths;
    }

    static boolean routedTo(JsonNode ingress, String host, String service, String request) {
        return routed(ingress, host, service).stream()
                .map(r -> r.split(" ", 2))
                .anyMatch(r -> routes(r[0], r[1], request));
    }

    /**
     * The dashboard's host (FRONTEND_URL) serves every dashboard file and the API it calls on its own origin, and the
     * dashboard is told auth-service's public URL (API_TOKEN_ISSUER, which api-service hands it at /dashboard/config),
     * never an address inside the cluster.
     */
    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/small", "overlays/production"})
    void theDashboardIsRoutedAndSentToThePublicAuthService(String dir) throws IOException {
        List<ObjectNode> objects = render(dir);
        JsonNode ingress = Kustomize.find(objects, "Ingress", "audiospective");
        Map<String, String> api = environment(objects, container(objects, "api-service"));
        java.net.URI frontend = java.net.URI.create(api.get("FRONTEND_URL"));
        for (String request : List.of(
                "/",
                "/index.html",
                "/app.css",
                "/js/app.js",
                "/js/pages/home.js",
                "/vendor/uplot/uPlot.iife.min.js",
                "/dashboard/config",
                "/api/v1/me")) {
            assertThat(routedTo(ingress, frontend.getHost(), "api-service", request))
                    .as("the dashboard's host routes " + request)
                    .isTrue();
        }
        java.net.URI issuer = java.net.URI.create(api.get("API_TOKEN_ISSUER"));
        assertThat(issuer.getScheme()).isEqualTo("https");
        assertThat(routedTo(ingress, issuer.getHost(), "auth-service", "/login"))
                .as("issuer is public")
                .isTrue();
        assertThat(routedTo(ingress, issuer.getHost(), "auth-service", "/api/v1/auth/token"))
                .isTrue();
        assertThat(properties("api-service").getProperty("quarkus.oidc.token.issuer"))
                .contains("${API_TOKEN_ISSUER");
        assertThat(Files.readString(ROOT.resolve(
                        "api-service/src/main/java/io/audiospective/api/rest/DashboardConfigResource.java")))
                .as("the dashboard is told the issuer")
                .contains("@ConfigProperty(name = \"quarkus.oidc.token.issuer\")");
        assertThat(api.get("DASHBOARD_ORIGINS")).contains(frontend.getScheme() + "://" + frontend.getHost());
        assertThat(tlsHosts(ingress)).contains(frontend.getHost(), issuer.getHost());
    }

    /**
     * Behind the TLS-terminating Ingress auth-service sees plain HTTP, so nothing about the sign-in may come from the
     * request: Spotify's redirect URI is the public URL (API_TOKEN_ISSUER) plus /login/spotify, an HTTPS address the
     * Ingress routes to auth-service, and the sign-in's cookies are Secure. Every host the Ingress serves has TLS.
     */
    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/small", "overlays/production"})
    void signInIsBuiltFromThePublicHttpsUrlWithSecureCookies(String dir) throws IOException {
        List<ObjectNode> objects = render(dir);
        JsonNode ingress = Kustomize.find(objects, "Ingress", "audiospective");
        Map<String, String> auth = environment(objects, container(objects, "auth-service"));
        Properties props = properties("auth-service");

        assertThat(props.getProperty("audiospective.auth.public-url")).startsWith("${API_TOKEN_ISSUER");
        assertThat(props.getProperty("quarkus.oidc.authentication.redirect-path"))
                .as("the redirect URI is absolute, from the public URL")
                .isEqualTo("${audiospective.auth.public-url}/login/spotify");
        java.net.URI redirect = java.net.URI.create(auth.get("API_TOKEN_ISSUER") + "/login/spotify");
        assertThat(redirect.getScheme()).isEqualTo("https");
        assertThat(routedTo(ingress, redirect.getHost(), "auth-service", redirect.getPath()))
                .isTrue();

        assertThat(props.getProperty("audiospective.auth.secure-cookies")).isEqualTo("${AUTH_SECURE_COOKIES:true}");
        assertThat(auth.getOrDefault("AUTH_SECURE_COOKIES", "true"))
                .as("AUTH_SECURE_COOKIES")
                .isEqualTo("true");
        assertThat(props.getProperty("quarkus.oidc.authentication.cookie-force-secure"))
                .isEqualTo("${audiospective.auth.secure-cookies}");

        List<String> hosts = new ArrayList<>();
        ingress.path("spec")
                .path("rules")
                .forEach(rule -> hosts.add(rule.path("host").asText()));
        assertThat(tlsHosts(ingress)).as("hosts with TLS").containsAll(hosts);
        assertThat(ingress.path("metadata")
                        .path("annotations")
                        .path("nginx.ingress.kubernetes.io/ssl-redirect")
                        .asText("true"))
                .as("plain HTTP is redirected to HTTPS")
                .isEqualTo("true");
    }

    static List<String> tlsHosts(JsonNode ingress) {
        List<String> hosts = new ArrayList<>();
        ingress.path("spec").path("tls").forEach(tls -> tls.path("hosts").forEach(h -> hosts.add(h.asText())));
        return hosts;
    }

    /** api-service spools uploads to /tmp: an emptyDir with a size limit, so uploads cannot fill the node's disk. */
    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/small", "overlays/production"})
    void uploadsSpoolToABoundedTmp(String dir) throws IOException {
        List<ObjectNode> objects = render(dir);
        JsonNode pod = Kustomize.find(objects, "Deployment", "api-service")
                .path("spec")
                .path("template")
                .path("spec");
        String volume = null;
        for (JsonNode mount : pod.path("containers").get(0).path("volumeMounts")) {
            if (mount.path("mountPath").asText().equals("/tmp")) {
                volume = mount.path("name").asText();
            }
        }
        assertThat(volume).as("/tmp is a volume").isNotNull();
        for (JsonNode v : pod.path("volumes")) {
            if (v.path("name").asText().equals(volume)) {
                assertThat(v.path("emptyDir").path("sizeLimit").asText())
                        .as("/tmp sizeLimit")
                        .matches("[0-9]+[GM]i");
                return;
            }
        }
        throw new AssertionError("no volume " + volume);
    }

    // ---------------------------------------------------------------- credentials per service

    /** Service -> the schema it owns (quarkus.flyway.schemas). */
    static String schema(String service) throws IOException {
        return properties(service).getProperty("quarkus.flyway.schemas");
    }

    /** Topics a service reads with a Kafka consumer of its own instead of a channel (archive-worker's BatchConsumer). */
    private static final Map<String, String> TOPICS_READ_WITHOUT_A_CHANNEL =
            Map.of("archive-worker", "archive.batches");

    /**
     * The ACLs a service needs, from its own configuration: Read on every topic and consumer group it consumes, Write
     * on every topic it produces to and on the {@code .dlq} of every topic it consumes (the consumer policy sets
     * records aside there); a channel subscribed by pattern reads every dead-letter topic of the system that matches,
     * and api-service, which re-drives dead letters, writes to their source topics. As
     * "type:patternType:name:operation".
     */
    static Set<String> neededAcls(String service) throws IOException {
        Properties props = properties(service);
        Set<String> acls = new TreeSet<>();
        Set<String> patterns = new TreeSet<>();
        for (String key : props.stringPropertyNames()) {
            String value = props.getProperty(key);
            if (key.startsWith("%") || !key.startsWith("mp.messaging.")) {
                continue;
            }
            if (key.startsWith("mp.messaging.incoming.") && key.endsWith(".topic")) {
                if (subscribesByPattern(props, key)) {
                    patterns.add(value);
                } else {
                    acls.add("topic:literal:" + value + ":Read");
                    acls.add("topic:literal:" + value + ".dlq:Write");
                }
            } else if (key.startsWith("mp.messaging.incoming.") && key.endsWith(".group.id")) {
                acls.add("group:literal:" + value + ":Read");
            } else if (key.startsWith("mp.messaging.outgoing.") && key.endsWith(".topic")) {
                acls.add("topic:literal:" + value + ":Write");
            }
        }
        String ownTopic = TOPICS_READ_WITHOUT_A_CHANNEL.get(service);
        if (ownTopic != null) {
            assertThat(Files.readString(ROOT.resolve(
                            "archive-worker/src/main/java/io/audiospective/archive/messaging/BatchConsumer.java")))
                    .contains("Topics.ARCHIVE_BATCHES")
                    .contains("config.batches().groupId()");
            acls.add("topic:literal:" + ownTopic + ":Read");
            acls.add("topic:literal:" + ownTopic + ".dlq:Write");
            acls.add("group:literal:" + props.getProperty("audiospective.archive.batches.group-id") + ":Read");
        }
        for (String pattern : patterns) {
            for (String source : consumedTopics()) {
                if ((source + ".dlq").matches(pattern)) {
                    acls.add("topic:literal:" + source + ".dlq:Read");
                }
            }
        }
        if (service.equals("api-service")) {
            // a replay reads plays with a fresh consumer group per generation
            assertThat(Files.readString(ROOT.resolve(
                            "api-service/src/main/java/io/audiospective/api/repository/ReplayRepository.java")))
                    .contains("CONSUMER_GROUP_PREFIX = \"api-service-replay-\"");
            acls.add("group:prefix:api-service-replay-:Read");
            // a re-drive puts dead letters back on the topic they came from
            assertThat(Files.readString(ROOT.resolve(
                            "api-service/src/main/java/io/audiospective/api/service/DeadLetterService.java")))
                    .contains("redrive");
            consumedTopics().forEach(source -> acls.add("topic:literal:" + source + ":Write"));
        }
        return acls;
    }

    /** Whether the channel of a {@code mp.messaging.incoming.<channel>.topic} key names its topics by a pattern. */
    private static boolean subscribesByPattern(Properties props, String topicKey) {
        return Boolean.parseBoolean(props.getProperty(topicKey.replaceFirst("\\.topic$", ".pattern")));
    }

    /** Every topic some service consumes (by name, not by pattern): the topics that have a dead-letter topic. */
    static Set<String> consumedTopics() throws IOException {
        Set<String> topics = new TreeSet<>(TOPICS_READ_WITHOUT_A_CHANNEL.values());
        for (String service : SERVICES.keySet()) {
            Properties props = properties(service);
            for (String key : props.stringPropertyNames()) {
                if (!key.startsWith("%")
                        && key.startsWith("mp.messaging.incoming.")
                        && key.endsWith(".topic")
                        && !subscribesByPattern(props, key)) {
                    topics.add(props.getProperty(key));
                }
            }
        }
        return topics;
    }

    static Set<String> grantedAcls(JsonNode user) {
        Set<String> acls = new TreeSet<>();
        for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
            JsonNode resource = acl.path("resource");
            for (JsonNode operation : acl.path("operations")) {
                acls.add(resource.path("type").asText() + ":"
                        + resource.path("patternType").asText("literal") + ":"
                        + resource.path("name").asText() + ":" + operation.asText());
            }
        }
        return acls;
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/small", "overlays/production"})
    void kafkaAuthenticatesEveryClientAndEachServiceMayUseOnlyItsTopicsAndGroups(String dir) throws IOException {
        List<ObjectNode> objects = render(dir);
        JsonNode kafka =
                Kustomize.find(objects, "Kafka", "audiospective").path("spec").path("kafka");
        for (JsonNode listener : kafka.path("listeners")) {
            assertThat(listener.path("authentication").path("type").asText())
                    .as("listener " + listener.path("name"))
                    .isIn("scram-sha-512", "tls");
            assertThat(listener.path("tls").asBoolean())
                    .as("listener " + listener.path("name") + " encrypts")
                    .isTrue();
        }
        assertThat(kafka.path("authorization").path("type").asText())
                .as("ACLs enforced")
                .isEqualTo("simple");
        assertThat(Kustomize.find(objects, "Kafka", "audiospective")
                        .path("spec")
                        .path("entityOperator")
                        .has("userOperator"))
                .as("Strimzi's user operator manages the KafkaUsers")
                .isTrue();
        Map<String, String> config = new HashMap<>();
        Kustomize.find(objects, "ConfigMap", "audiospective-config")
                .path("data")
                .fields()
                .forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));

        for (String service : SERVICES.keySet()) {
            JsonNode user = Kustomize.find(objects, "KafkaUser", service);
            assertThat(user.path("metadata")
                            .path("labels")
                            .path("strimzi.io/cluster")
                            .asText())
                    .isEqualTo("audiospective");
            assertThat(user.path("spec").path("authentication").path("type").asText())
                    .isEqualTo("scram-sha-512");
            assertThat(user.path("spec").path("authorization").path("type").asText())
                    .isEqualTo("simple");
            assertThat(grantedAcls(user))
                    .as(service + " may use exactly the topics and groups it uses")
                    .containsExactlyInAnyOrderElementsOf(neededAcls(service));

            Properties props = properties(service);
            assertThat(props.getProperty("kafka.security.protocol")).startsWith("${KAFKA_SECURITY_PROTOCOL:");
            assertThat(props.getProperty("kafka.sasl.mechanism")).startsWith("${KAFKA_SASL_MECHANISM:");
            assertThat(props.getProperty("kafka.sasl.jaas.config")).startsWith("${KAFKA_SASL_JAAS_CONFIG");
            assertThat(props.getProperty("kafka.ssl.truststore.type")).startsWith("${KAFKA_SSL_TRUSTSTORE_TYPE:");
            assertThat(props.getProperty("kafka.ssl.truststore.location"))
                    .startsWith("${KAFKA_SSL_TRUSTSTORE_LOCATION:");
            ObjectNode container = container(objects, service);
            Map<String, String> env = environment(objects, container);
            assertThat(env.get("KAFKA_SECURITY_PROTOCOL")).isEqualTo("SASL_SSL");
            assertThat(env.get("KAFKA_SASL_MECHANISM")).isEqualTo("SCRAM-SHA-512");
            assertThat(env.get("KAFKA_SASL_JAAS_CONFIG"))
                    .as(service + " signs in as its own Kafka user")
                    .isEqualTo("secret:" + service + "/sasl.jaas.config");
            assertThat(env.get("KAFKA_SSL_TRUSTSTORE_TYPE")).isEqualTo("PEM");
            assertThat(trustedCaFile(objects, service, container))
                    .as(service + " trusts the cluster CA")
                    .isEqualTo(env.get("KAFKA_SSL_TRUSTSTORE_LOCATION"));
        }
        assertThat(config.get("KAFKA_SECURITY_PROTOCOL")).isEqualTo("SASL_SSL");

        // KEDA reads the worker group's lag and nothing else, with credentials from a Secret
        JsonNode trigger = Kustomize.find(objects, "ScaledObject", "archive-worker")
                .path("spec")
                .path("triggers")
                .get(0);
        JsonNode auth = Kustomize.find(
                objects,
                "TriggerAuthentication",
                trigger.path("authenticationRef").path("name").asText());
        assertThat(auth.path("spec").path("secretTargetRef").findValuesAsText("parameter"))
                .containsExactlyInAnyOrder("sasl", "username", "password", "tls", "ca");
        for (JsonNode ref : auth.path("spec").path("secretTargetRef")) {
            if (ref.path("parameter").asText().equals("ca")) {
                assertThat(ref.path("name").asText() + "/" + ref.path("key").asText())
                        .isEqualTo(CLUSTER_CA_SECRET + "/ca.crt");
            }
        }
        JsonNode keda = Kustomize.find(objects, "KafkaUser", "keda");
        assertThat(keda.path("spec")
                        .path("authentication")
                        .path("password")
                        .path("valueFrom")
                        .path("secretKeyRef")
                        .path("name")
                        .asText())
                .isEqualTo(auth.path("spec")
                        .path("secretTargetRef")
                        .get(0)
                        .path("name")
                        .asText());
        assertThat(grantedAcls(keda))
                .containsExactlyInAnyOrder(
                        "topic:literal:"
                                + trigger.path("metadata").path("topic").asText() + ":Describe",
                        "group:literal:"
                                + trigger.path("metadata").path("consumerGroup").asText() + ":Describe");
        assertThat(ofKind(objects, "KafkaUser")).hasSize(SERVICES.size() + 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/small", "overlays/production"})
    void eachServiceSignsInToPostgresAsARoleOwningOnlyItsSchema(String dir) throws IOException {
        List<ObjectNode> objects = render(dir);
        JsonNode db = Kustomize.find(objects, "Cluster", "audiospective-db").path("spec");
        List<String> sql = new ArrayList<>();
        db.path("bootstrap").path("initdb").path("postInitApplicationSQL").forEach(n -> sql.add(n.asText()));
        Map<String, JsonNode> roles = new HashMap<>();
        db.path("managed").path("roles").forEach(r -> roles.put(r.path("name").asText(), r));
        Set<String> secrets = new HashSet<>();
        for (String service : SERVICES.keySet()) {
            String schema = schema(service);
            Map<String, String> env = environment(objects, container(objects, service));
            String secret = env.get("DB_USER").replaceFirst("^secret:", "").replaceFirst("/username$", "");
            assertThat(env.get("DB_PASSWORD")).isEqualTo("secret:" + secret + "/password");
            assertThat(secrets.add(secret))
                    .as(service + " has credentials of its own")
                    .isTrue();
            JsonNode role = roles.values().stream()
                    .filter(r -> r.path("passwordSecret").path("name").asText().equals(secret))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no managed role with the password of " + secret));
            String name = role.path("name").asText();
            assertThat(role.path("login").asBoolean()).isTrue();
            assertThat(role.path("ensure").asText()).isEqualTo("present");
            assertThat(role.path("superuser").asBoolean(false)).isFalse();
            assertThat(role.path("inRoles").isMissingNode()
                            || role.path("inRoles").isEmpty())
                    .isTrue();
            assertThat(sql)
                    .as(service + ": schema " + schema + " owned by " + name)
                    .contains("CREATE SCHEMA " + schema + " AUTHORIZATION " + name);
            assertThat(sql.stream().filter(q -> q.contains(" " + name) && q.startsWith("GRANT")))
                    .as(name + " is granted nothing but CONNECT")
                    .allMatch(q -> q.startsWith("GRANT CONNECT ON DATABASE"));
        }
        assertThat(sql).contains("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        assertThat(roles).hasSize(SERVICES.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/small", "overlays/production"})
    void redisWantsAPasswordFromASecretAndEveryServiceSendsIt(String dir) throws IOException {
        List<ObjectNode> objects = render(dir);
        JsonNode redis = Kustomize.find(objects, "StatefulSet", "redis")
                .path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0);
        List<String> args = new ArrayList<>();
        redis.path("args").forEach(a -> args.add(a.asText()));
        int i = args.indexOf("--requirepass");
        assertThat(i).as("redis --requirepass").isNotNegative();
        Matcher m = Pattern.compile("\\$\\(([A-Z_]+)\\)").matcher(args.get(i + 1));
        assertThat(m.matches()).as("the password comes from an env var").isTrue();
        String secret = environment(objects, redis).get(m.group(1));
        assertThat(secret).as("Redis' password").startsWith("secret:");
        assertThat(environment(objects, redis).get("REDISCLI_AUTH"))
                .as("the probe's redis-cli")
                .isEqualTo(secret);
        for (String service : SERVICES.keySet()) {
            assertThat(properties(service).getProperty("quarkus.redis.password"))
                    .startsWith("${REDIS_PASSWORD");
            assertThat(environment(objects, container(objects, service)).get("REDIS_PASSWORD"))
                    .as(service)
                    .isEqualTo(secret);
        }
    }

    // ---------------------------------------------------------------- Kafka

    /** shared-model's topics.conf: the one list the local broker and the tests' broker create their topics from. */
    static final Path TOPICS_CONF = ROOT.resolve("shared-model/src/main/resources/io/audiospective/model/topics.conf");

    /** Topic name to its line's fields after the name: partitions, then config=value pairs. */
    static Map<String, List<String>> declaredTopics() throws IOException {
        Map<String, List<String>> declared = new HashMap<>();
        for (String line : Files.readAllLines(TOPICS_CONF)) {
            String[] fields = line.strip().split("\\s+");
            if (line.isBlank() || fields[0].startsWith("#") || fields[0].equals("local-partitions")) {
                continue;
            }
            declared.put(fields[0], List.of(fields).subList(1, fields.length));
        }
        return declared;
    }

    /**
     * The KafkaTopics are exactly the topics of topics.conf, with its configuration (retention) and, in the base, its
     * partitions (the overlays size archive.batches to their worker count); so Kubernetes, the local broker and the
     * tests keep plays, users and the dead letters equally long.
     */
    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/small", "overlays/production"})
    void kafkaTopicsAreTheTopicsDeclaredInSharedModel(String dir) throws IOException {
        Map<String, List<String>> declared = declaredTopics();
        Map<String, JsonNode> topics = new HashMap<>();
        for (JsonNode t : ofKind(render(dir), "KafkaTopic")) {
            topics.put(t.path("spec").path("topicName").asText(), t.path("spec"));
        }
        assertThat(topics.keySet()).containsExactlyInAnyOrderElementsOf(declared.keySet());
        declared.forEach((topic, fields) -> {
            JsonNode spec = topics.get(topic);
            if (dir.equals("base")) {
                assertThat(spec.path("partitions").asInt()).as(topic).isEqualTo(Integer.parseInt(fields.get(0)));
            }
            for (String pair : fields.subList(1, fields.size())) {
                String[] kv = pair.split("=", 2);
                assertThat(spec.path("config").path(kv[0]).asText())
                        .as(topic + " " + kv[0])
                        .isEqualTo(kv[1]);
            }
        });
        assertThat(declared.get("plays")).contains("retention.ms=-1", "retention.bytes=-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/small", "overlays/production"})
    void everyTopicTheServicesUseIsDeclaredAndWorkersScaleToThePartitions(String dir) throws IOException {
        List<ObjectNode> objects = render(dir);
        Map<String, JsonNode> topics = new HashMap<>();
        for (JsonNode t : ofKind(objects, "KafkaTopic")) {
            topics.put(t.path("spec").path("topicName").asText(), t);
            assertThat(t.path("spec").path("replicas").asInt()).isGreaterThanOrEqualTo(3);
        }
        Set<String> used = new TreeSet<>();
        for (String service : SERVICES.keySet()) {
            Properties props = properties(service);
            for (String key : props.stringPropertyNames()) {
                if (!key.startsWith("%")
                        && key.startsWith("mp.messaging.")
                        && key.endsWith(".topic")
                        // a pattern channel (api-service's dead-letters) reads topics declared on their own
                        && !"true"
                                .equals(props.getProperty(
                                        key.substring(0, key.length() - "topic".length()) + "pattern"))) {
                    used.add(props.getProperty(key));
                }
            }
        }
        assertThat(used).contains("archive.batches", "archive.outcomes", "plays", "users", "imports");
        for (String topic : used) {
            assertThat(topics).as("KafkaTopic for " + topic).containsKey(topic);
        }
        // every consumed topic's records may be set aside on its .dlq (ConsumerPolicy in service-support)
        for (String topic : Set.of(
                "archive.batches",
                "archive.outcomes",
                "plays",
                "users",
                "imports",
                "imports.progress",
                "imports.outcomes")) {
            assertThat(topics).as("dead-letter topic of " + topic).containsKey(topic + ".dlq");
        }
        assertThat(topics.get("plays")
                        .path("spec")
                        .path("config")
                        .path("retention.ms")
                        .asLong())
                .isEqualTo(-1);
        assertThat(topics.get("plays")
                        .path("spec")
                        .path("config")
                        .path("retention.bytes")
                        .asLong())
                .isEqualTo(-1);
        // a deleted member's lifecycle events (id, display name) do not stay forever; consumers keep their own state
        for (String topic : List.of("users", "users.dlq")) {
            assertThat(topics.get(topic)
                            .path("spec")
                            .path("config")
                            .path("retention.ms")
                            .asLong())
                    .as(topic)
                    .isBetween(Duration.ofDays(1).toMillis(), Duration.ofDays(7).toMillis());
        }

        JsonNode scaled =
                Kustomize.find(objects, "ScaledObject", "archive-worker").path("spec");
        assertThat(scaled.path("scaleTargetRef").path("name").asText()).isEqualTo("archive-worker");
        JsonNode trigger = scaled.path("triggers").get(0);
        assertThat(trigger.path("type").asText()).isEqualTo("kafka");
        assertThat(trigger.path("metadata").path("topic").asText()).isEqualTo("archive.batches");
        assertThat(trigger.path("metadata").path("consumerGroup").asText())
                .isEqualTo(properties("archive-worker").getProperty("audiospective.archive.batches.group-id"));
        assertThat(trigger.path("metadata").path("bootstrapServers").asText())
                .startsWith(Kustomize.find(objects, "Kafka", "audiospective")
                                .path("metadata")
                                .path("name")
                                .asText() + "-kafka-bootstrap");
        assertThat(scaled.path("maxReplicaCount").asInt())
                .as("archive-workers up to the partition count")
                .isEqualTo(topics.get("archive.batches")
                        .path("spec")
                        .path("partitions")
                        .asInt());

        String bootstrap = Kustomize.find(objects, "ConfigMap", "audiospective-config")
                .path("data")
                .path("KAFKA_BOOTSTRAP_SERVERS")
                .asText();
        JsonNode kafka = Kustomize.find(objects, "Kafka", "audiospective");
        int listenerPort = kafka.path("spec")
                .path("kafka")
                .path("listeners")
                .get(0)
                .path("port")
                .asInt();
        assertThat(bootstrap).isEqualTo(name(kafka) + "-kafka-bootstrap:" + listenerPort);
        assertThat(kafka.path("metadata")
                        .path("annotations")
                        .path("strimzi.io/kraft")
                        .asText())
                .isEqualTo("enabled");
        assertThat(kafka.path("metadata")
                        .path("annotations")
                        .path("strimzi.io/node-pools")
                        .asText())
                .isEqualTo("enabled");
        for (JsonNode pool : ofKind(objects, "KafkaNodePool")) {
            assertThat(pool.path("metadata")
                            .path("labels")
                            .path("strimzi.io/cluster")
                            .asText())
                    .isEqualTo(name(kafka));
        }
        JsonNode db = Kustomize.find(objects, "Cluster", "audiospective-db");
        Map<String, String> config = new HashMap<>();
        Kustomize.find(objects, "ConfigMap", "audiospective-config")
                .path("data")
                .fields()
                .forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        assertThat(config.get("DB_HOST")).isEqualTo(name(db) + "-rw");
        assertThat(config.get("DB_NAME"))
                .isEqualTo(db.path("spec")
                        .path("bootstrap")
                        .path("initdb")
                        .path("database")
                        .asText());
        assertThat(config.get("REDIS_URL"))
                .isEqualTo("redis://" + name(Kustomize.find(objects, "Service", "redis")) + ":6379");
    }

    // ---------------------------------------------------------------- monitoring

    static final Set<String> PROMQL_WORDS = Set.of(
            "sum",
            "max",
            "min",
            "avg",
            "count",
            "rate",
            "increase",
            "irate",
            "by",
            "without",
            "ignoring",
            "on",
            "group_left",
            "group_right",
            "and",
            "or",
            "unless",
            "histogram_quantile",
            "abs",
            "clamp_min",
            "topk",
            "bool",
            "offset",
            "deriv",
            "delta");

    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"[^\"]*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^\\]]*]", " ")
                .replaceAll("\\b(by|without|ignoring|on|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*").matcher(s);
        while (m.find()) {
            if (!PROMQL_WORDS.contains(m.group())) {
                names.add(m.group());
            }
        }
        return names;
    }

    static Set<String> exportedMetrics() throws IOException {
        return Files.readAllLines(K8S.resolve("exported-metrics.txt"), StandardCharsets.UTF_8).stream()
                .map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .collect(Collectors.toSet());
    }

    @Test
    void metricExtractionReadsNamesNotLabels() {
        assertThat(
                        metricNames(
                                "sum by (outcome) (rate(archive_polls_total{outcome!~\"OK|SKIPPED\"}[15m])) / ignoring (outcome) group_left sum (rate(x_total[5m])) > 0.05"))
                .containsExactlyInAnyOrder("archive_polls_total", "x_total");
    }

    @Test
    void alertsAndDashboardNameOnlyExportedMetrics() throws IOException {
        List<ObjectNode> objects = render("base");
        Set<String> exported = exportedMetrics();
        Set<String> alerts = new TreeSet<>();
        Set<String> used = new TreeSet<>();
        for (JsonNode rule : Kustomize.find(objects, "PrometheusRule", "audiospective")
                .path("spec")
                .path("groups")
                .findValues("rules")) {
            for (JsonNode r : rule) {
                alerts.add(r.path("alert").asText());
                used.addAll(metricNames(r.path("expr").asText()));
            }
        }
        JsonNode dashboard =
                Kustomize.YAML.readTree(Kustomize.find(objects, "ConfigMap", "audiospective-grafana-dashboard")
                        .path("data")
                        .path("audiospective-dashboard.json")
                        .asText());
        for (JsonNode target : dashboard.findValues("targets")) {
            for (JsonNode t : target) {
                used.addAll(metricNames(t.path("expr").asText()));
            }
        }
        assertThat(used).isNotEmpty();
        assertThat(exported)
                .as("metrics the services export (exported-metrics.txt)")
                .containsAll(used);
        assertThat(alerts)
                .contains(
                        "AudiospectivePollFailureRate",
                        "AudiospectiveArchiveLagPastSlot",
                        "AudiospectiveConsumerLag",
                        "AudiospectiveDeadLetters",
                        "AudiospectiveOutboxLag",
                        "AudiospectiveNeedsReauthSurge",
                        "AudiospectiveSpotifyRateLimited",
                        "AudiospectiveReauthorisationDue");

        JsonNode monitor =
                Kustomize.find(objects, "ServiceMonitor", "audiospective").path("spec");
        assertThat(monitor.path("endpoints").get(0).path("path").asText()).isEqualTo("/q/metrics");
        for (String service : SERVICES.keySet()) {
            JsonNode labels =
                    Kustomize.find(objects, "Service", service).path("metadata").path("labels");
            monitor.path("selector")
                    .path("matchLabels")
                    .fields()
                    .forEachRemaining(e -> assertThat(labels.path(e.getKey())).isEqualTo(e.getValue()));
            assertThat(Kustomize.find(objects, "Service", service)
                            .path("spec")
                            .path("ports")
                            .findValuesAsText("name"))
                    .contains(monitor.path("endpoints").get(0).path("port").asText());
        }
    }

    // ---------------------------------------------------------------- kubectl, when installed

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/small", "overlays/production"})
    void kubectlRendersTheSameObjects(String dir) throws Exception {
        Path kubectl = null;
        for (String p : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!p.isEmpty() && Files.isExecutable(Path.of(p, "kubectl"))) {
                kubectl = Path.of(p, "kubectl");
                break;
            }
        }
        Assumptions.assumeTrue(
                kubectl != null,
                "kubectl is not on the PATH: only the built-in renderer was checked (install kubernetes-client to compare)");
        Path out = Files.createTempFile("kustomize", ".yaml");
        try {
            Process process = new ProcessBuilder(
                            kubectl.toString(), "kustomize", K8S.resolve(dir).toString())
                    .redirectOutput(out.toFile())
                    .redirectErrorStream(false)
                    .start();
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue())
                    .as("kubectl kustomize " + dir + ": " + err)
                    .isZero();
            Map<String, JsonNode> byKubectl = new HashMap<>();
            for (ObjectNode o : Kustomize.readAll(out)) {
                byKubectl.put(o.path("kind").asText() + "/" + name(o), o);
            }
            Map<String, JsonNode> byJava = new HashMap<>();
            for (ObjectNode o : render(dir)) {
                byJava.put(o.path("kind").asText() + "/" + name(o), o);
            }
            assertThat(byJava.keySet()).isEqualTo(byKubectl.keySet());
            List<String> different = new ArrayList<>();
            byJava.forEach((key, o) -> {
                if (!o.equals(byKubectl.get(key))) {
                    different.add(key + "\n java:    " + o + "\n kubectl: " + byKubectl.get(key));
                }
            });
            assertThat(different).as("objects rendered differently").isEmpty();
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
