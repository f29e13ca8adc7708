package io.audiospective.support.openapi;

import java.util.ArrayList;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * What every service's OpenAPI document says the same way, so a client generator can rely on it: an operation
 * without a security requirement is declared public ({@code security: []}, not left unsaid), and every protected
 * operation documents its 401 and 403 answers as problem details. Registered for every service in service-support's
 * {@code META-INF/microprofile-config.properties}.
 */
public class OpenApiConventions implements OASFilter {

    public static final String PROBLEM_SCHEMA = "Problem";
    static final String PROBLEM_MEDIA_TYPE = "application/problem+json";

    /** Whether a response this filter documented refers to the problem schema (added only then: no unused parts). */
    private boolean problemReferenced;

    @Override
    public Operation filterOperation(Operation operation) {
        if (operation.getSecurity() == null) {
            operation.setSecurity(new ArrayList<>());
        } else if (!operation.getSecurity().isEmpty()) {
            if (operation.getResponses() == null) {
                operation.setResponses(OASFactory.createAPIResponses());
            }
            documentProblem(
                    operation.getResponses(),
                    "401",
                    "No valid API token: send one from auth-service as 'Authorization: Bearer <token>'");
            documentProblem(operation.getResponses(), "403", "The API token does not grant this operation");
        }
        return operation;
    }

    /** Called once, after every operation was filtered. */
    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (!problemReferenced) {
            return;
        }
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        Components components = openAPI.getComponents();
        if (components.getSchemas() == null || !components.getSchemas().containsKey(PROBLEM_SCHEMA)) {
            components.addSchema(PROBLEM_SCHEMA, problemSchema());
        }
    }

    private void documentProblem(APIResponses responses, String status, String description) {
        if (responses.hasAPIResponse(status)) {
            return;
        }
        problemReferenced = true;
        responses.addAPIResponse(
                status,
                OASFactory.createAPIResponse()
                        .description(description)
                        .content(OASFactory.createContent()
                                .addMediaType(
                                        PROBLEM_MEDIA_TYPE,
                                        OASFactory.createMediaType()
                                                .schema(OASFactory.createSchema()
                                                        .ref(PROBLEM_SCHEMA)))));
    }

    /** RFC 9457 problem details, as every service answers an error. */
    private static Schema problemSchema() {
        return OASFactory.createSchema()
                .addType(Schema.SchemaType.OBJECT)
                .description("An error as RFC 9457 problem details")
                .properties(Map.of(
                        "type",
                                OASFactory.createSchema()
                                        .addType(Schema.SchemaType.STRING)
                                        .description("A URI naming the kind of problem"),
                        "title", OASFactory.createSchema().addType(Schema.SchemaType.STRING),
                        "status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER),
                        "detail",
                                OASFactory.createSchema()
                                        .addType(Schema.SchemaType.STRING)
                                        .description("What went wrong and what to do about it")));
    }
}
