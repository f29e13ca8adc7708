package io.audiospective.auth.rest;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;

/** An RFC 9457 problem details body. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String NEEDS_REAUTH_TYPE = "urn:audiospective:problem:needs-reauth";

    public static Response response(int status, String type, String title, String detail) {
        return Response.status(status).type(MEDIA_TYPE).entity(new Problem(type, title, status, detail)).build();
    }

    public static Response response(Response.Status status, String detail) {
        return response(status.getStatusCode(), "about:blank", status.getReasonPhrase(), detail);
    }
}
