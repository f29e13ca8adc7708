package io.audiospective.api.rest;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.audiospective.api.repository.StatsAnswerCache;
import io.audiospective.api.repository.StatsAnswerCache.Lookup;
import io.audiospective.api.service.StatsService.UserView;

/**
 * Cached and conditional answers for statistics. The ETag changes whenever the user's read model changes (a new
 * play, a zone change, a replay switch-over) or the local date moves on, so revalidation is exact and cheap; an
 * answer that has to be sent is taken from the shared cache under the same identity when any replica computed it
 * already, and computed (and stored) otherwise.
 */
@ApplicationScoped
class Caching {

    private final StatsAnswerCache cache;
    private final ObjectMapper json;

    Caching(StatsAnswerCache cache, ObjectMapper json) {
        this.cache = cache;
        this.json = json;
    }

    /**
     * Starts looking up the member's answer to this request in the shared cache: sent before the member's state is
     * read, so that read and the lookup overlap; {@link #conditional} takes it.
     */
    Lookup lookUp(UriInfo uri, String userId) {
        return cache.lookUp(StatsAnswerCache.slot(userId, request(uri)));
    }

    Response conditional(
            Request request,
            UriInfo uri,
            UserView user,
            String today,
            Duration maxAge,
            Lookup lookup,
            Supplier<Object> body) {
        EntityTag etag = etag(uri, user, today);
        CacheControl cacheControl = cacheControl(maxAge);
        Response.ResponseBuilder notModified = request.evaluatePreconditions(etag);
        if (notModified != null) {
            return notModified.cacheControl(cacheControl).tag(etag).build();
        }
        String identity = identity(user, today);
        Optional<String> cached = cache.get(lookup, identity);
        String answer;
        if (cached.isPresent()) {
            answer = cached.get();
        } else {
            answer = serialise(body.get());
            cache.put(lookup.slot(), identity, answer);
        }
        return ok(answer, cacheControl, etag);
    }

    /**
     * {@link #conditional} when it needs nothing but memory: a revalidation that still holds, or an answer this process
     * keeps. Empty otherwise; it never blocks, so it may run on the event loop.
     */
    Optional<Response> fromMemory(Request request, UriInfo uri, UserView user, String today, Duration maxAge) {
        EntityTag etag = etag(uri, user, today);
        CacheControl cacheControl = cacheControl(maxAge);
        Response.ResponseBuilder notModified = request.evaluatePreconditions(etag);
        if (notModified != null) {
            return Optional.of(notModified.cacheControl(cacheControl).tag(etag).build());
        }
        return cache.getLocal(StatsAnswerCache.slot(user.userId(), request(uri)), identity(user, today))
                .map(answer -> ok(answer, cacheControl, etag));
    }

    private static String request(UriInfo uri) {
        String path = uri.getRequestUri().getRawPath();
        String query = uri.getRequestUri().getRawQuery();
        return query == null ? path : path + "?" + query;
    }

    private static String identity(UserView user, String today) {
        return StatsAnswerCache.identity(
                user.version(), user.tables().generation(), user.zone().getId(), today);
    }

    private static Response ok(String answer, CacheControl cacheControl, EntityTag etag) {
        return Response.ok(answer, MediaType.APPLICATION_JSON_TYPE)
                .cacheControl(cacheControl)
                .tag(etag)
                .header("Vary", "Authorization")
                .build();
    }

    /**
     * A conditional answer that is not JSON (an image): revalidated with the same ETag as the statistics, rendered
     * anew when it has to be sent (it is not kept in the shared cache).
     */
    Response conditionalBytes(
            Request request,
            UriInfo uri,
            UserView user,
            String today,
            Duration maxAge,
            MediaType type,
            Supplier<byte[]> body) {
        EntityTag etag = etag(uri, user, today);
        CacheControl cacheControl = cacheControl(maxAge);
        Response.ResponseBuilder notModified = request.evaluatePreconditions(etag);
        if (notModified != null) {
            return notModified.cacheControl(cacheControl).tag(etag).build();
        }
        return Response.ok(body.get(), type)
                .cacheControl(cacheControl)
                .tag(etag)
                .header("Vary", "Authorization")
                .build();
    }

    private static EntityTag etag(UriInfo uri, UserView user, String today) {
        String path = uri.getRequestUri().getRawPath();
        String query = uri.getRequestUri().getRawQuery();
        String tag = Long.toHexString(user.version()) + "-" + user.tables().generation() + "-"
                + user.zone().getId().hashCode() + "-" + today + "-"
                + Integer.toHexString(
                        path.hashCode() * 31 + String.valueOf(query).hashCode());
        return new EntityTag(tag, true);
    }

    private static CacheControl cacheControl(Duration maxAge) {
        CacheControl cacheControl = new CacheControl();
        cacheControl.setPrivate(true);
        cacheControl.setMaxAge((int) maxAge.toSeconds());
        return cacheControl;
    }

    private String serialise(Object answer) {
        try {
            return json.writeValueAsString(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A statistics view could not be written as JSON", e);
        }
    }
}
