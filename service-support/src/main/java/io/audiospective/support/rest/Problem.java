package io.audiospective.support.rest;

import java.util.List;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An RFC 7807 (RFC 9457) problem details body, served as {@value #MEDIA_TYPE} by every service. {@code instance} is
 * the request's path ({@link ProblemInstance} fills it in); {@code invalid-params} names the parameters a 400 is
 * about, each with why it is refused.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(
        String type,
        String title,
        int status,
        String detail,
        String instance,
        @JsonProperty("invalid-params") List<InvalidParam> invalidParams) {

    public static final String MEDIA_TYPE = "application/problem+json";
    /** The type of a problem that has no more specific one than its status. */
    public static final String ABOUT_BLANK = "about:blank";

    /** A refused request parameter: its name and why it is refused. */
    public record InvalidParam(String name, String reason) {}

    public Problem {
        invalidParams = invalidParams == null ? List.of() : List.copyOf(invalidParams);
    }

    /** A problem titled by its status' reason phrase. */
    public static Problem of(int status, String type, String detail) {
        return new Problem(type, reasonPhrase(status), status, detail, null, List.of());
    }

    public Problem withInstance(String path) {
        return new Problem(type, title, status, detail, path, invalidParams);
    }

    public Response toResponse() {
        return Response.status(status).type(MEDIA_TYPE).entity(this).build();
    }

    public static Response response(int status, String type, String detail) {
        return of(status, type, detail).toResponse();
    }

    public static Response response(int status, String type, String title, String detail) {
        return new Problem(type, title, status, detail, null, List.of()).toResponse();
    }

    /** A problem of type {@value #ABOUT_BLANK}: its status says all there is to its type. */
    public static Response response(Response.Status status, String detail) {
        return response(status.getStatusCode(), ABOUT_BLANK, detail);
    }

    static String reasonPhrase(int status) {
        Response.Status known = Response.Status.fromStatusCode(status);
        return known == null ? "Error" : known.getReasonPhrase();
    }
}
