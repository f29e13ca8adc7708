package io.audiospective.api.rest;

import java.time.Duration;
import java.util.function.Supplier;

import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.audiospective.api.service.StatsService.UserView;

/**
 * Conditional answers for statistics: the ETag changes whenever the user's read model changes (a new play, a
 * zone change, a replay switch-over) or the local date moves on, so revalidation is exact and cheap.
 */
final class Caching {

    private Caching() {
    }

    static Response conditional(Request request, UriInfo uri, UserView user, String today, Duration maxAge,
            Supplier<Object> body) {
        String tag = Long.toHexString(user.version()) + "-" + user.tables().generation() + "-"
                + user.zone().getId().hashCode() + "-" + today + "-"
                + Integer.toHexString(uri.getRequestUri().getRawPath().hashCode() * 31
                        + String.valueOf(uri.getRequestUri().getRawQuery()).hashCode());
        EntityTag etag = new EntityTag(tag, true);
        CacheControl cache = new CacheControl();
        cache.setPrivate(true);
        cache.setMaxAge((int) maxAge.toSeconds());
        Response.ResponseBuilder notModified = request.evaluatePreconditions(etag);
        if (notModified != null) {
            return notModified.cacheControl(cache).tag(etag).build();
        }
        return Response.ok(body.get()).cacheControl(cache).tag(etag).header("Vary", "Authorization").build();
    }
}
