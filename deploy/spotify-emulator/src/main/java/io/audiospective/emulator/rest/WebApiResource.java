package io.audiospective.emulator.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.audiospective.emulator.Play;
import io.audiospective.emulator.SyntheticUser;
import io.audiospective.emulator.Track;
import io.audiospective.emulator.config.EmulatorConfig;
import io.audiospective.emulator.service.Catalogue;
import io.audiospective.emulator.service.EmulatorClock;
import io.audiospective.emulator.service.RecentlyPlayed;
import io.audiospective.emulator.service.Settings;
import io.audiospective.emulator.service.SpotifyJson;
import io.audiospective.emulator.service.UserRegistry;
import io.smallrye.mutiny.Uni;

/** The Spotify Web API endpoints the product uses, in Spotify's shapes. */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public class WebApiResource {

    private static final Pattern ID = Pattern.compile("[0-9A-Za-z]{22}");

    /** Spotify's answer when an app token (client credentials) asks for a user's data. */
    private static final String APP_TOKEN_ON_USER_ENDPOINT = "Valid user authentication required";

    @Inject
    ApiGate gate;

    @Inject
    SpotifyJson json;

    @Inject
    Catalogue catalogue;

    @Inject
    UserRegistry users;

    @Inject
    Settings settings;

    @Inject
    EmulatorClock clock;

    @Inject
    EmulatorConfig config;

    @Inject
    RecentlyPlayed recentlyPlayed;

    @GET
    @Path("/me")
    public Uni<Response> me(@HeaderParam("Authorization") String authorization, @Context UriInfo uriInfo) {
        return gate.web("GET /v1/me", authorization, grant -> {
            if (grant.userId() == null) {
                return gate.error(401, APP_TOKEN_ON_USER_ENDPOINT);
            }
            SyntheticUser user = users.find(grant.userId());
            return ApiGate.ok(json.me(gate.base(uriInfo), user));
        });
    }

    @GET
    @Path("/me/player/recently-played")
    public Uni<Response> recentlyPlayed(
            @HeaderParam("Authorization") String authorization,
            @QueryParam("limit") String limitParam,
            @QueryParam("after") String afterParam,
            @QueryParam("before") String beforeParam,
            @Context UriInfo uriInfo) {
        return gate.web("GET /v1/me/player/recently-played", authorization, grant -> {
            if (grant.userId() == null) {
                return gate.error(401, APP_TOKEN_ON_USER_ENDPOINT);
            }
            int limit;
            Long after;
            Long before;
            try {
                limit = limitParam == null || limitParam.isEmpty() ? 20 : Integer.parseInt(limitParam);
            } catch (NumberFormatException e) {
                return gate.error(400, "Invalid limit");
            }
            if (limit < 1 || limit > 50) {
                return gate.error(400, "Invalid limit");
            }
            try {
                after = afterParam == null || afterParam.isEmpty() ? null : Long.parseLong(afterParam);
                before = beforeParam == null || beforeParam.isEmpty() ? null : Long.parseLong(beforeParam);
            } catch (NumberFormatException e) {
                return gate.error(400, "Invalid cursor");
            }
            if (after != null && before != null) {
                return gate.error(400, "Only one of after and before may be specified");
            }
            SyntheticUser user = users.find(grant.userId());
            List<Play> visible = recentlyPlayed.visible(
                    user,
                    clock.nowMs(),
                    RecentlyPlayed.Visibility.of(settings.get()),
                    config.listening().lookback().toMillis());
            List<Play> page = RecentlyPlayed.page(visible, after, before, limit);
            String base = gate.base(uriInfo);
            String path = base + "/v1/me/player/recently-played";
            String href = path + "?"
                    + (after != null ? "after=" + after + "&" : before != null ? "before=" + before + "&" : "")
                    + "limit=" + limit;
            String next = null;
            if (!page.isEmpty()) {
                next = after != null
                        ? path + "?after=" + page.get(0).playedAtMs() + "&limit=" + limit
                        : path + "?before=" + page.get(page.size() - 1).playedAtMs() + "&limit=" + limit;
            }
            return ApiGate.ok(json.recentlyPlayed(base, page, limit, href, next));
        });
    }

    @GET
    @Path("/tracks/{id}")
    public Uni<Response> track(
            @HeaderParam("Authorization") String authorization, @PathParam("id") String id, @Context UriInfo uriInfo) {
        return gate.web(
                "GET /v1/tracks/{id}",
                authorization,
                grant -> one(id, this::servedTrack, t -> json.track(gate.base(uriInfo), t.index())));
    }

    @GET
    @Path("/artists/{id}")
    public Uni<Response> artist(
            @HeaderParam("Authorization") String authorization, @PathParam("id") String id, @Context UriInfo uriInfo) {
        return gate.web(
                "GET /v1/artists/{id}",
                authorization,
                grant -> one(id, catalogue::artistById, a -> json.artist(gate.base(uriInfo), a.index())));
    }

    @GET
    @Path("/albums/{id}")
    public Uni<Response> album(
            @HeaderParam("Authorization") String authorization, @PathParam("id") String id, @Context UriInfo uriInfo) {
        return gate.web(
                "GET /v1/albums/{id}",
                authorization,
                grant -> one(id, catalogue::albumById, a -> json.album(gate.base(uriInfo), a.index())));
    }

    @GET
    @Path("/tracks")
    public Uni<Response> tracks(
            @HeaderParam("Authorization") String authorization,
            @QueryParam("ids") String ids,
            @Context UriInfo uriInfo) {
        return gate.web(
                "GET /v1/tracks",
                authorization,
                grant -> many("tracks", ids, 50, id -> {
                    var t = servedTrack(id);
                    return t == null ? null : json.track(gate.base(uriInfo), t.index());
                }));
    }

    @GET
    @Path("/artists")
    public Uni<Response> artists(
            @HeaderParam("Authorization") String authorization,
            @QueryParam("ids") String ids,
            @Context UriInfo uriInfo) {
        return gate.web(
                "GET /v1/artists",
                authorization,
                grant -> many("artists", ids, 50, id -> {
                    var a = catalogue.artistById(id);
                    return a == null ? null : json.artist(gate.base(uriInfo), a.index());
                }));
    }

    @GET
    @Path("/albums")
    public Uni<Response> albums(
            @HeaderParam("Authorization") String authorization,
            @QueryParam("ids") String ids,
            @Context UriInfo uriInfo) {
        return gate.web(
                "GET /v1/albums",
                authorization,
                grant -> many("albums", ids, 20, id -> {
                    var a = catalogue.albumById(id);
                    return a == null ? null : json.album(gate.base(uriInfo), a.index());
                }));
    }

    /** The track with this id, or null when the catalogue never had it or it counts as removed. */
    private Track servedTrack(String id) {
        Track t = catalogue.trackById(id);
        return t == null || catalogue.removed(t.index(), settings.get().removedShare()) ? null : t;
    }

    private <T> Response one(String id, Function<String, T> find, Function<T, String> render) {
        if (id == null || !ID.matcher(id).matches()) {
            return gate.error(400, "Invalid base62 id");
        }
        T found = find.apply(id);
        if (found == null) {
            return gate.error(404, "Resource not found");
        }
        return ApiGate.ok(render.apply(found));
    }

    private Response many(String key, String ids, int max, Function<String, String> render) {
        if (!settings.get().batchEndpoints()) {
            // development-mode apps no longer have the batch endpoints
            return gate.error(403, "Forbidden: this endpoint is not available to apps in development mode");
        }
        if (ids == null || ids.isBlank()) {
            return gate.error(400, "invalid request: ids must be supplied");
        }
        String[] parts = ids.split(",");
        if (parts.length > max) {
            return gate.error(400, "Too many ids requested");
        }
        List<String> out = new ArrayList<>(parts.length);
        for (String raw : parts) {
            String id = raw.trim();
            if (!ID.matcher(id).matches()) {
                return gate.error(400, "Invalid base62 id");
            }
            out.add(render.apply(id));
        }
        return ApiGate.ok(json.many(key, out));
    }
}
