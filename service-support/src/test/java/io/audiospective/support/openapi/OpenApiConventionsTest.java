package io.audiospective.support.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.junit.jupiter.api.Test;

class OpenApiConventionsTest {

    private final OpenApiConventions conventions = new OpenApiConventions();

    @Test
    void anOperationWithoutSecurityIsDeclaredPublic() {
        Operation operation = conventions.filterOperation(OASFactory.createOperation()
                .responses(OASFactory.createAPIResponses()
                        .addAPIResponse("200", OASFactory.createAPIResponse().description("ok"))));

        assertThat(operation.getSecurity()).isEmpty();
        assertThat(operation.getResponses().getAPIResponses()).containsOnlyKeys("200");
    }

    @Test
    void aProtectedOperationDocuments401And403AsProblemDetailsKeepingItsOwn() {
        Operation operation = conventions.filterOperation(OASFactory.createOperation()
                .security(List.of(OASFactory.createSecurityRequirement().addScheme("apiToken")))
                .responses(OASFactory.createAPIResponses()
                        .addAPIResponse("403", OASFactory.createAPIResponse().description("Only admins"))));
        OpenAPI document = OASFactory.createOpenAPI();
        conventions.filterOpenAPI(document);

        assertThat(operation.getResponses().getAPIResponses()).containsOnlyKeys("401", "403");
        assertThat(operation.getResponses().getAPIResponse("403").getDescription())
                .isEqualTo("Only admins");
        assertThat(operation
                        .getResponses()
                        .getAPIResponse("401")
                        .getContent()
                        .getMediaType(OpenApiConventions.PROBLEM_MEDIA_TYPE)
                        .getSchema()
                        .getRef())
                .isEqualTo("#/components/schemas/" + OpenApiConventions.PROBLEM_SCHEMA);
        assertThat(document.getComponents().getSchemas()).containsKey(OpenApiConventions.PROBLEM_SCHEMA);
    }

    @Test
    void theProblemSchemaIsOnlyAddedWhenReferenced() {
        OpenAPI document = OASFactory.createOpenAPI();
        conventions.filterOperation(OASFactory.createOperation());
        conventions.filterOpenAPI(document);

        assertThat(document.getComponents()).isNull();
    }
}
