package io.audiospective.api.rest;

import java.net.URI;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.audiospective.api.config.ApiConfig;
import io.audiospective.support.rest.CommonSecurityHeaders;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;

/**
 * Security headers on every answer. The dashboard's files get a Content-Security-Policy that allows only its own
 * files and calls to this service and to auth-service (sign-out, token renewal, account), images from the configured
 * cover origins: no inline script or style, no other origin, no framing. API answers allow nothing at all. Swagger UI and the rest of /q keep Quarkus' pages
 * as they are (Swagger UI needs inline script), with every other header.
 */
@ApplicationScoped
public class SecurityHeaders {

    static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private final String dashboardPolicy;

    SecurityHeaders(@ConfigProperty(name = "quarkus.oidc.token.issuer") String issuer, ApiConfig config) {
        URI auth = URI.create(issuer);
        String authOrigin = auth.getScheme() + "://" + auth.getAuthority();
        String imageOrigins = String.join(" ", config.dashboardImageOrigins());
        this.dashboardPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: "
                + imageOrigins + ";"
                + " connect-src 'self' " + authOrigin + "; object-src 'none'; base-uri 'none'; form-action 'self';"
                + " frame-ancestors 'none'";
    }

    void install(@Observes Router router) {
        router.route().order(-300).handler(context -> {
            String path = context.request().path();
            context.addHeadersEndHandler(ignored -> {
                MultiMap headers = context.response().headers();
                CommonSecurityHeaders.set(headers);
                if (path.matches(DashboardCacheHeaders.DASHBOARD_FILES)) {
                    headers.set("Content-Security-Policy", dashboardPolicy);
                } else if (!path.startsWith("/q/")) {
                    headers.set("Content-Security-Policy", API_POLICY);
                }
            });
            context.next();
        });
    }
}
