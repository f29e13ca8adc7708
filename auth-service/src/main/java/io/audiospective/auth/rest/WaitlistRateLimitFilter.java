package io.audiospective.auth.rest;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.audiospective.auth.service.WaitlistRateLimit;
import io.audiospective.support.rest.Problem;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code POST /waitlist} is public and writes a row: each client gets a few sign-ups per window, then 429 with
 * Retry-After. The client is the address Quarkus resolved (X-Forwarded-For only from TRUSTED_PROXIES).
 */
public class WaitlistRateLimitFilter {

    private final WaitlistRateLimit limit;

    WaitlistRateLimitFilter(WaitlistRateLimit limit) {
        this.limit = limit;
    }

    @ServerRequestFilter
    public Uni<Response> limit(ContainerRequestContext request, HttpServerRequest http) {
        if (!HttpMethod.POST.equals(request.getMethod()) || !"/waitlist".equals(http.path())) {
            return Uni.createFrom().nullItem();
        }
        return limit.retryAfter(http.remoteAddress().hostAddress())
                .map(wait -> wait.isZero()
                        ? null
                        : Response.fromResponse(Problem.response(
                                        429,
                                        "urn:audiospective:problem:rate-limited",
                                        "Too many sign-ups from your address: try again in " + wait.toSeconds() + " s"))
                                .header("Retry-After", wait.toSeconds())
                                .build());
    }
}
