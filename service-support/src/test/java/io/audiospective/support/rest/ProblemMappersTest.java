package io.audiospective.support.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.security.ForbiddenException;

class ProblemMappersTest {

    private final ProblemMappers mappers = new ProblemMappers();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aRefusedParameterIsA400ProblemNamingTheParameter() throws Exception {
        Response response =
                mappers.problem(ProblemException.invalidParameter("limit", "limit must be between 1 and 500"));

        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(response.getMediaType()).hasToString("application/problem+json");
        assertThat(body(response))
                .containsEntry("type", "urn:audiospective:problem:invalid-request")
                .containsEntry("title", "Bad Request")
                .containsEntry("status", 400)
                .containsEntry("detail", "limit must be between 1 and 500")
                .containsEntry(
                        "invalid-params",
                        List.of(Map.of("name", "limit", "reason", "limit must be between 1 and 500")));
    }

    @Test
    void aProblemWithoutParametersLeavesOutTheEmptyMembers() throws Exception {
        Response response =
                mappers.problem(new ProblemException(404, "urn:example:gone", "User not found", "No such user"));

        assertThat(body(response))
                .containsOnlyKeys("type", "title", "status", "detail")
                .containsEntry("title", "User not found");
    }

    @Test
    void tooManyRequestsSaysWhenToComeBackInWholeSeconds() {
        Response response = mappers.problem(
                ProblemException.tooManyRequests("urn:example:busy", "Slow down", Duration.ofMillis(1_200)));

        assertThat(response.getStatus()).isEqualTo(429);
        assertThat(response.getHeaderString("Retry-After")).isEqualTo("2");
    }

    @Test
    void aParameterOfTheWrongTypeIsABadRequestNotANotFound() throws Exception {
        Response response =
                mappers.notFound(new NotFoundException(new IllegalArgumentException("For input string: \"abc\"")));

        assertThat(response.getStatus()).isEqualTo(400);
        assertThat((String) body(response).get("detail")).contains("not valid", "abc");
    }

    @Test
    void whatRestEasyRefusesKeepsItsStatus() throws Exception {
        assertThat(mappers.notFound(new NotFoundException()).getStatus()).isEqualTo(404);
        Response response = mappers.webApplication(new NotAllowedException("GET"));
        assertThat(body(response)).containsEntry("status", 405).containsEntry("title", "Method Not Allowed");
    }

    @Test
    void aForbiddenRequestIsA403Problem() throws Exception {
        Response response = mappers.forbidden(new ForbiddenException());

        assertThat(response.getStatus()).isEqualTo(403);
        assertThat(body(response)).containsEntry("type", ProblemMappers.FORBIDDEN_TYPE);
    }

    @Test
    void anUnexpectedErrorIsA500WithoutItsMessageOrStackTrace() throws Exception {
        Response response = mappers.unexpected(new IllegalStateException("password=hunter2 at db.example:5432"));

        assertThat(response.getStatus()).isEqualTo(500);
        String served = json.writeValueAsString(response.getEntity());
        assertThat(served).doesNotContain("hunter2", "\tat ", "at io.audiospective");
        assertThat(body(response)).containsEntry("status", 500);
    }

    @Test
    void aDatabaseThatIsAwayIsA503TheClientMayRetry() throws Exception {
        // as Hibernate wraps the driver's refused connection
        Response response = mappers.unexpected(new IllegalStateException(
                "could not prepare statement",
                new SQLException("The connection attempt failed. password=hunter2", "08001")));

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getMediaType()).hasToString("application/problem+json");
        assertThat(response.getHeaderString("Retry-After"))
                .isEqualTo(Integer.toString(ProblemMappers.DEPENDENCY_RETRY_AFTER_SECONDS));
        assertThat(body(response))
                .containsEntry("type", ProblemMappers.DEPENDENCY_UNAVAILABLE_TYPE)
                .containsEntry("status", 503);
        assertThat(json.writeValueAsString(response.getEntity())).doesNotContain("hunter2", "08001");
    }

    @Test
    void aStatementTheDatabaseRefusesAsWrongStaysA500() {
        Response response =
                mappers.unexpected(new IllegalStateException(new SQLException("column \"x\" does not exist", "42703")));

        assertThat(response.getStatus()).isEqualTo(500);
    }

    @Test
    void theInstanceIsTheRequestPath() {
        Problem problem = Problem.of(404, Problem.ABOUT_BLANK, "gone").withInstance("/admin/users/7");

        assertThat(problem.instance()).isEqualTo("/admin/users/7");
        assertThat(problem.title()).isEqualTo("Not Found");
    }

    private Map<String, Object> body(Response response) throws Exception {
        return json.readValue(json.writeValueAsString(response.getEntity()), new TypeReference<>() {});
    }
}
