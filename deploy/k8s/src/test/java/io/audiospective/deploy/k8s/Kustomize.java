package io.audiospective.deploy.k8s;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Renders a kustomization without kubectl, for exactly the kustomize features these manifests use: resources (files
 * and directories), namespace, configMapGenerator (files, labels, no hash suffix), replicas and strategic-merge
 * patches by kind and name (maps merged, lists of named items merged by name, other lists replaced). When kubectl is
 * installed, {@code KustomizeTest} checks that this rendering equals {@code kubectl kustomize}.
 */
final class Kustomize {

    static final ObjectMapper YAML = new YAMLMapper();
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace");

    private Kustomize() {}

    static List<ObjectNode> render(Path dir) throws IOException {
        JsonNode k = YAML.readTree(dir.resolve("kustomization.yaml").toFile());
        List<ObjectNode> objects = new ArrayList<>();
        for (JsonNode r : k.path("resources")) {
            Path p = dir.resolve(r.asText()).normalize();
            objects.addAll(Files.isDirectory(p) ? render(p) : readAll(p));
        }
        for (JsonNode g : k.path("configMapGenerator")) {
            ObjectNode cm = YAML.createObjectNode();
            cm.put("apiVersion", "v1").put("kind", "ConfigMap");
            ObjectNode meta = cm.putObject("metadata");
            meta.put("name", g.path("name").asText());
            if (g.path("options").has("labels")) {
                meta.set("labels", g.path("options").path("labels").deepCopy());
            }
            ObjectNode data = cm.putObject("data");
            for (JsonNode f : g.path("files")) {
                Path file = dir.resolve(f.asText());
                data.put(file.getFileName().toString(), Files.readString(file));
            }
            if (!k.path("generatorOptions").path("disableNameSuffixHash").asBoolean()) {
                throw new IllegalStateException("only generators without name suffix hash are supported");
            }
            objects.add(cm);
        }
        for (JsonNode p : k.path("patches")) {
            if (!p.has("path") || p.has("target")) {
                throw new IllegalStateException("only strategic-merge patch files are supported: " + p);
            }
            for (ObjectNode patch : readAll(dir.resolve(p.path("path").asText()))) {
                ObjectNode target = find(
                        objects,
                        patch.path("kind").asText(),
                        patch.path("metadata").path("name").asText());
                merge(target, patch);
            }
        }
        for (JsonNode r : k.path("replicas")) {
            boolean found = false;
            for (ObjectNode o : objects) {
                if (Set.of("Deployment", "StatefulSet").contains(o.path("kind").asText())
                        && o.path("metadata")
                                .path("name")
                                .asText()
                                .equals(r.path("name").asText())) {
                    ((ObjectNode) o.path("spec"))
                            .put("replicas", r.path("count").asInt());
                    found = true;
                }
            }
            if (!found) {
                throw new IllegalStateException("replicas for unknown workload " + r);
            }
        }
        if (k.has("namespace")) {
            String ns = k.path("namespace").asText();
            for (ObjectNode o : objects) {
                if (!CLUSTER_SCOPED.contains(o.path("kind").asText())) {
                    ((ObjectNode) o.path("metadata")).put("namespace", ns);
                }
            }
        }
        for (String unsupported : List.of(
                "patchesStrategicMerge",
                "patchesJson6902",
                "images",
                "commonLabels",
                "labels",
                "namePrefix",
                "nameSuffix",
                "components",
                "secretGenerator",
                "vars",
                "replacements")) {
            if (k.has(unsupported)) {
                throw new IllegalStateException(unsupported + " is not supported by this renderer: " + dir);
            }
        }
        return objects;
    }

    static List<ObjectNode> readAll(Path file) throws IOException {
        List<ObjectNode> docs = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(file.toFile())) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc instanceof ObjectNode o && !o.isEmpty()) {
                    docs.add(o);
                }
            }
        }
        return docs;
    }

    static ObjectNode find(List<ObjectNode> objects, String kind, String name) {
        return objects.stream()
                .filter(o -> o.path("kind").asText().equals(kind)
                        && o.path("metadata").path("name").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + kind + " " + name));
    }

    /** Strategic merge, as far as these manifests need it. */
    static void merge(ObjectNode target, ObjectNode patch) {
        patch.fields().forEachRemaining(e -> {
            JsonNode old = target.get(e.getKey());
            JsonNode value = e.getValue();
            if (old instanceof ObjectNode o && value instanceof ObjectNode v) {
                merge(o, v);
            } else if (old instanceof ArrayNode a && value instanceof ArrayNode v && named(a) && named(v)) {
                for (JsonNode item : v) {
                    ObjectNode match = null;
                    for (JsonNode existing : a) {
                        if (existing.path("name").equals(item.path("name"))) {
                            match = (ObjectNode) existing;
                        }
                    }
                    if (match == null) {
                        a.add(item.deepCopy());
                    } else {
                        merge(match, (ObjectNode) item);
                    }
                }
            } else {
                target.set(e.getKey(), value.deepCopy());
            }
        });
    }

    private static boolean named(ArrayNode list) {
        if (list.isEmpty()) {
            return false;
        }
        for (JsonNode item : list) {
            if (!item.isObject() || !item.has("name")) {
                return false;
            }
        }
        return true;
    }
}
