package io.audiospective.support.rest;

import io.vertx.core.MultiMap;

/** The security headers every service sets on every answer; each service adds the Content-Security-Policy its pages need. */
public final class CommonSecurityHeaders {

    private CommonSecurityHeaders() {}

    public static void set(MultiMap headers) {
        headers.set("X-Content-Type-Options", "nosniff");
        // browsers keep to HTTPS for this host once they saw it over HTTPS (ignored over plain HTTP)
        headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("X-Frame-Options", "DENY");
    }
}
