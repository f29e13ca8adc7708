package io.audiospective.api.rest;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.audiospective.api.config.ApiConfig;
import io.audiospective.support.rest.Problem;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Request body limits per route. Quarkus has one limit for every route, and the import upload needs it at 1 GB; every
 * other route is held to {@link ApiConfig#maxBodySize()}. Refused before the body is read, as problem details: 413
 * for a declared length over the limit, 411 for a body of unknown length (chunked) outside the upload, since it could
 * not be refused before it was read.
 */
@ApplicationScoped
public class RequestBodyLimits {

    static final String UPLOAD_PATH = "/api/v1/me/imports";

    private final long limit;
    private final long uploadLimit;
    private final ObjectMapper json;

    RequestBodyLimits(
            ApiConfig config,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize upload,
            ObjectMapper json) {
        this.limit = config.maxBodySize().asLongValue();
        this.uploadLimit = upload.asLongValue();
        this.json = json;
    }

    void install(@Observes Router router) {
        // before Quarkus' own limit check (order -2), which answers a bare 413
        router.route().order(-200).handler(this::check);
    }

    private void check(RoutingContext context) {
        HttpServerRequest request = context.request();
        boolean upload = request.method() == HttpMethod.POST && UPLOAD_PATH.equals(request.path());
        long allowed = upload ? uploadLimit : limit;
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = Long.MAX_VALUE;
            }
            if (declared > allowed) {
                refuse(
                        context,
                        413,
                        "urn:audiospective:problem:body-too-large",
                        upload
                                ? "An upload holds at most " + allowed + " bytes: upload the export's history files in"
                                        + " several imports"
                                : "A request body to " + request.path() + " holds at most " + allowed + " bytes");
                return;
            }
        } else if (!upload && request.headers().contains(HttpHeaders.TRANSFER_ENCODING, HttpHeaders.CHUNKED, true)) {
            refuse(
                    context,
                    411,
                    "urn:audiospective:problem:length-required",
                    "Send the request body with a Content-Length (at most " + allowed + " bytes)");
            return;
        }
        context.next();
    }

    private void refuse(RoutingContext context, int status, String type, String detail) {
        String body;
        try {
            body = json.writeValueAsString(new Problem(
                    type,
                    status == 413 ? "Content Too Large" : "Length Required",
                    status,
                    detail,
                    context.request().path(),
                    List.of()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        // the unread body must not be taken as the next request on this connection
        context.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(body);
    }
}
