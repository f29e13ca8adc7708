package io.audiospective.api.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.ext.web.Router;

/**
 * The web dashboard's files (module web-dashboard) have fixed names, so browsers must ask again on every load
 * ({@code no-cache}: a cheap 304 when nothing changed) instead of keeping them for a day as Quarkus's default
 * {@code immutable, max-age=86400} says; otherwise a new release would meet old modules in the browser cache.
 */
@ApplicationScoped
public class DashboardCacheHeaders {

    static final String DASHBOARD_FILES = "/(index\\.html|app\\.css|js/.*|vendor/.*)?";

    void install(@Observes Router router) {
        router.routeWithRegex(DASHBOARD_FILES).order(-100).handler(context -> {
            context.addHeadersEndHandler(ignored -> context.response().headers().set("Cache-Control", "no-cache"));
            context.next();
        });
    }
}
