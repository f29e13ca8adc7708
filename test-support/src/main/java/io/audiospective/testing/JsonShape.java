package io.audiospective.testing;

import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;

/**
 * What a JSON object looks like to a reader, without its values: each member's name and the JSON type of its value.
 * Two bodies of the same shape are read alike by the same record, so a provider's answer and a consumer's stub can be
 * held to one contract example.
 */
public final class JsonShape {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonShape() {}

    public static Map<String, JsonNodeType> of(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not JSON: " + e.getOriginalMessage());
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("Not a JSON object but " + node.getNodeType());
        }
        Map<String, JsonNodeType> shape = new TreeMap<>();
        node.fields()
                .forEachRemaining(
                        field -> shape.put(field.getKey(), field.getValue().getNodeType()));
        return shape;
    }
}
