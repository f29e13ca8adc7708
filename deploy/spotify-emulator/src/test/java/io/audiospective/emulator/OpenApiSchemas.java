package io.audiospective.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi30;

/**
 * Validates JSON bodies against the response schemas of Spotify's official OpenAPI description (never copied
 * into the repository: located through the {@code spotify.openapi} system property, or by walking up to a
 * {@code shared/} folder beside the clone).
 */
public final class OpenApiSchemas {

    private static OpenApiSchemas instance;

    private final Path spec;
    private final JsonNode root;
    private final JsonSchemaFactory factory;
    private final SchemaValidatorsConfig config;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();

    private OpenApiSchemas(Path spec) {
        this.spec = spec;
        try {
            this.root = new ObjectMapper(new YAMLFactory()).readTree(spec.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.factory = JsonSchemaFactory.getInstance(
                SpecVersion.VersionFlag.V4,
                b -> b.metaSchema(OpenApi30.getInstance())
                        .defaultMetaSchemaIri(OpenApi30.getInstance().getIri()));
        this.config = SchemaValidatorsConfig.builder()
                .nullableKeywordEnabled(true)
                .formatAssertionsEnabled(true)
                .build();
    }

    public static synchronized OpenApiSchemas get() {
        if (instance == null) {
            instance = new OpenApiSchemas(locate());
        }
        return instance;
    }

    /** Why the schema checks cannot run where the description is missing (a clone with nothing beside it). */
    public static final String MISSING = "Spotify's official OpenAPI description is neither beside this clone"
            + " (shared/spotify/official-spotify-open-api.yml) nor named by -Dspotify.openapi, and the project may"
            + " not ship it: the schema conformance checks were skipped";

    private static Path locate() {
        return find().orElseThrow(() -> new IllegalStateException(MISSING));
    }

    /** The official description, when this machine has it. */
    public static Optional<Path> find() {
        String property = System.getProperty("spotify.openapi");
        if (property != null && Files.isRegularFile(Path.of(property))) {
            return Optional.of(Path.of(property).toAbsolutePath().normalize());
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("shared/spotify/official-spotify-open-api.yml");
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
            dir = dir.getParent();
        }
        return Optional.empty();
    }

    /**
     * Errors of {@code body} against the schema the spec declares for {@code GET path} answering {@code status}
     * (for statuses the spec does not list, such as 5xx, the generic error response shape is used).
     */
    public Set<String> errors(String path, int status, String body) {
        String pointer = responseSchemaPointer(path, status);
        JsonSchema schema = schemas.computeIfAbsent(
                pointer, p -> factory.getSchema(SchemaLocation.of(spec.toUri() + "#" + p), config));
        try {
            Set<ValidationMessage> messages = schema.validate(json.readTree(body));
            return messages.stream()
                    .map(ValidationMessage::getMessage)
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
        } catch (IOException e) {
            return Set.of("not JSON: " + e.getMessage());
        }
    }

    /** JSON pointer of the schema of one response, following the response's $ref. */
    public String responseSchemaPointer(String path, int status) {
        JsonNode responses = root.path("paths").path(path).path("get").path("responses");
        if (responses.isMissingNode()) {
            throw new IllegalArgumentException("no GET " + path + " in the spec");
        }
        JsonNode response = responses.path(String.valueOf(status));
        String responsePointer;
        if (response.isMissingNode()) {
            // statuses the operation does not list (400, 404, 5xx): Spotify answers them with the same error
            // object as every other error, which the spec names BadRequest
            responsePointer = "/components/responses/BadRequest";
        } else if (response.has("$ref")) {
            responsePointer = response.get("$ref").asText().substring(1);
        } else {
            responsePointer = "/paths/" + escape(path) + "/get/responses/" + status;
        }
        JsonNode resolved = root.at(responsePointer);
        Iterator<String> types = resolved.path("content").fieldNames();
        if (!types.hasNext()) {
            throw new IllegalArgumentException("no content for " + responsePointer);
        }
        return responsePointer + "/content/" + escape(types.next()) + "/schema";
    }

    public List<String> statuses(String path) {
        List<String> out = new java.util.ArrayList<>();
        root.path("paths").path(path).path("get").path("responses").fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static String escape(String s) {
        return s.replace("~", "~0").replace("/", "~1");
    }
}
