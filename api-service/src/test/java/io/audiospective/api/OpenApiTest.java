package io.audiospective.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The served OpenAPI document is well formed and every API operation shows an example answer. */
@QuarkusTest
class OpenApiTest {

    @Test
    @SuppressWarnings("unchecked")
    void everyOperationIsDocumentedWithExamples() {
        Map<String, Object> document = given().queryParam("format", "json")
                .when()
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("");
        assertThat((String) document.get("openapi")).startsWith("3.");
        assertThat((Map<String, Object>) document.get("info")).containsKey("title");
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) document.get("paths");
        List<String> missing = new ArrayList<>();
        int operations = 0;
        for (var path : paths.entrySet()) {
            if (!path.getKey().startsWith("/api/v1/")) {
                continue;
            }
            for (var operation : path.getValue().entrySet()) {
                if (!List.of("get", "put", "post", "delete", "patch").contains(operation.getKey())) {
                    continue;
                }
                operations++;
                Map<String, Object> op = (Map<String, Object>) operation.getValue();
                assertThat(op).as(path.getKey() + " summary").containsKey("summary");
                Map<String, Map<String, Object>> responses = (Map<String, Map<String, Object>>) op.get("responses");
                assertThat(responses).as(path.getKey() + " responses").isNotEmpty();
                boolean successExample = false;
                for (var response : responses.entrySet()) {
                    assertThat(response.getKey()).matches("[1-5][0-9][0-9]|default");
                    Map<String, Map<String, Object>> content = (Map<String, Map<String, Object>>)
                            response.getValue().get("content");
                    if (response.getKey().startsWith("2") && content != null) {
                        // a binary answer (an image) is described by its schema, a text answer by an example
                        successExample |= content.values().stream()
                                .anyMatch(media -> (media.get("examples") != null
                                                && !((Map<String, Object>) media.get("examples")).isEmpty())
                                        || (media.get("schema") instanceof Map<?, ?> schema
                                                && "binary".equals(schema.get("format"))));
                    }
                }
                if (!successExample) {
                    missing.add(operation.getKey().toUpperCase() + " " + path.getKey());
                }
            }
        }
        assertThat(operations).isGreaterThanOrEqualTo(14);
        assertThat(missing).as("operations without an example answer").isEmpty();
        Map<String, Object> components = (Map<String, Object>) document.get("components");
        assertThat((Map<String, Object>) components.get("securitySchemes")).containsKey("apiToken");
    }
}
