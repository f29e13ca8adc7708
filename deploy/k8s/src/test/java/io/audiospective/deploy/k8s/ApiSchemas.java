package io.audiospective.deploy.k8s;

import java.util.Map;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;

/**
 * Validates a rendered object against the API type that its apiVersion and kind stand for, by strict typed
 * deserialization into the models generated from the real API definitions:
 * <ul>
 * <li>Kubernetes' own kinds: fabric8 {@code kubernetes-model-*}, generated from the Kubernetes OpenAPI description;</li>
 * <li>ServiceMonitor, PrometheusRule: fabric8 {@code openshift-model-monitoring}, generated from the Prometheus
 * operator's CRDs;</li>
 * <li>Kafka, KafkaNodePool, KafkaTopic, KafkaUser: Strimzi's {@code io.strimzi:api}, the model Strimzi generates its CRDs
 * from.</li>
 * </ul>
 * These models keep unknown fields in an "additional properties" map; here that escape hatch is removed, so a field
 * the API does not define fails, and so does a value of the wrong JSON type (no coercion of "3" to 3, 3 to "3" or
 * "true" to true). Maps the API declares free-form (labels, annotations, ConfigMap data, Kafka config) stay
 * free-form, with the value types the API gives them.
 */
final class ApiSchemas {

    /** kind -> (apiVersion, model class). */
    static final Map<String, Map.Entry<String, Class<?>>> MODELS = Map.ofEntries(
            model("Namespace", "v1", io.fabric8.kubernetes.api.model.Namespace.class),
            model("ConfigMap", "v1", io.fabric8.kubernetes.api.model.ConfigMap.class),
            model("Service", "v1", io.fabric8.kubernetes.api.model.Service.class),
            model("Secret", "v1", io.fabric8.kubernetes.api.model.Secret.class),
            model("Deployment", "apps/v1", io.fabric8.kubernetes.api.model.apps.Deployment.class),
            model("StatefulSet", "apps/v1", io.fabric8.kubernetes.api.model.apps.StatefulSet.class),
            model(
                    "PodDisruptionBudget",
                    "policy/v1",
                    io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class),
            model("Ingress", "networking.k8s.io/v1", io.fabric8.kubernetes.api.model.networking.v1.Ingress.class),
            model(
                    "NetworkPolicy",
                    "networking.k8s.io/v1",
                    io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class),
            model(
                    "ServiceMonitor",
                    "monitoring.coreos.com/v1",
                    io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor.class),
            model(
                    "PrometheusRule",
                    "monitoring.coreos.com/v1",
                    io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule.class),
            model("Kafka", "kafka.strimzi.io/v1beta2", io.strimzi.api.kafka.model.kafka.Kafka.class),
            model("KafkaNodePool", "kafka.strimzi.io/v1beta2", io.strimzi.api.kafka.model.nodepool.KafkaNodePool.class),
            model("KafkaTopic", "kafka.strimzi.io/v1beta2", io.strimzi.api.kafka.model.topic.KafkaTopic.class),
            model("KafkaUser", "kafka.strimzi.io/v1beta2", io.strimzi.api.kafka.model.user.KafkaUser.class));

    private static Map.Entry<String, Map.Entry<String, Class<?>>> model(String kind, String apiVersion, Class<?> type) {
        return Map.entry(kind, Map.entry(apiVersion, type));
    }

    static final ObjectMapper STRICT = strictMapper();

    private ApiSchemas() {}

    private static ObjectMapper strictMapper() {
        SimpleModule noAdditionalProperties = new SimpleModule("no-additional-properties");
        noAdditionalProperties.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(
                    DeserializationConfig config, BeanDescription beanDesc, BeanDeserializerBuilder builder) {
                builder.setAnySetter(null);
                builder.setIgnoreUnknownProperties(false);
                return builder;
            }
        });
        JsonMapper mapper = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .addModule(noAdditionalProperties)
                .build();
        for (LogicalType t :
                new LogicalType[] {LogicalType.Textual, LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            for (CoercionInputShape shape : new CoercionInputShape[] {
                CoercionInputShape.Integer,
                CoercionInputShape.Float,
                CoercionInputShape.Boolean,
                CoercionInputShape.String
            }) {
                mapper.coercionConfigFor(t).setCoercion(shape, CoercionAction.Fail);
            }
        }
        // Integers may still be read as floats (a JSON number is a number).
        mapper.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
        return mapper;
    }

    /** The problem with this object, or null when it matches its API type. */
    static String problem(JsonNode object) {
        String kind = object.path("kind").asText();
        Map.Entry<String, Class<?>> model = MODELS.get(kind);
        if (model == null) {
            return "no API model for kind " + kind;
        }
        if (!model.getKey().equals(object.path("apiVersion").asText())) {
            return kind + ": apiVersion " + object.path("apiVersion") + ", the model is " + model.getKey();
        }
        try {
            Object typed = STRICT.treeToValue(object, model.getValue());
            // Some models map a value outside an enum to null instead of failing: the round trip shows the loss.
            String lost = lost(object, STRICT.valueToTree(typed), "");
            return lost == null
                    ? null
                    : kind + "/" + object.path("metadata").path("name").asText()
                            + ": value not accepted by the API type at " + lost;
        } catch (Exception e) {
            return kind + "/" + object.path("metadata").path("name").asText() + ": "
                    + e.getMessage()
                            .lines()
                            .filter(l -> !l.isBlank())
                            .findFirst()
                            .orElse(e.toString())
                    + pathOf(e);
        }
    }

    /** The first path where something of {@code input} is missing or different in {@code output}, or null. */
    static String lost(JsonNode input, JsonNode output, String path) {
        if (input.isObject()) {
            if (!output.isObject()) {
                return path;
            }
            for (var it = input.fields(); it.hasNext(); ) {
                var e = it.next();
                String lost = lost(e.getValue(), output.path(e.getKey()), path + "." + e.getKey());
                if (lost != null) {
                    return lost;
                }
            }
            return null;
        }
        if (input.isArray()) {
            if (!output.isArray() || output.size() != input.size()) {
                return path;
            }
            for (int i = 0; i < input.size(); i++) {
                String lost = lost(input.get(i), output.get(i), path + "[" + i + "]");
                if (lost != null) {
                    return lost;
                }
            }
            return null;
        }
        if (output.isMissingNode()
                && (input.isBoolean() && !input.asBoolean() || input.isNumber() && input.asDouble() == 0)) {
            return null; // a primitive at its default, which the model leaves out when writing
        }
        if (input.isNumber() && output.isNumber()) {
            return input.decimalValue().compareTo(output.decimalValue()) == 0 ? null : path;
        }
        return input.equals(output) ? null : path + " (" + input + ")";
    }

    private static String pathOf(Exception e) {
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m) {
            StringBuilder sb = new StringBuilder(" at ");
            for (var ref : m.getPath()) {
                sb.append(ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]");
            }
            return sb.toString();
        }
        return "";
    }
}
