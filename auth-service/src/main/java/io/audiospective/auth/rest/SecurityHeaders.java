package io.audiospective.auth.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.audiospective.support.rest.CommonSecurityHeaders;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;

/**
 * Security headers on every answer. auth-service's pages (sign-in, waitlist) have no script and one inline style,
 * admitted by its hash; they post only to this service and may not be framed.
 */
@ApplicationScoped
public class SecurityHeaders {

    static final String POLICY = "default-src 'none'; style-src 'sha256-" + sha256(Pages.STYLE) + "';"
            + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    void install(@Observes Router router) {
        router.route().order(-300).handler(context -> {
            boolean quarkusPage = context.request().path().startsWith("/q/");
            context.addHeadersEndHandler(ignored -> {
                MultiMap headers = context.response().headers();
                CommonSecurityHeaders.set(headers);
                if (!quarkusPage) {
                    headers.set("Content-Security-Policy", POLICY);
                }
            });
            context.next();
        });
    }

    private static String sha256(String text) {
        try {
            return Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
