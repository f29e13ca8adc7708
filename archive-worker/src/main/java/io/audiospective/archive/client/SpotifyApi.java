package io.audiospective.archive.client;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** Spotify's Web API; statuses are read by {@link SpotifyClient}. */
@RegisterRestClient(configKey = "spotify-api")
interface SpotifyApi {

    @GET
    @Path("/v1/me/player/recently-played")
    @Produces(MediaType.APPLICATION_JSON)
    Response recentlyPlayed(@QueryParam("limit") int limit, @HeaderParam("Authorization") String authorization);

    @GET
    @Path("/v1/artists/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    Response artist(@PathParam("id") String id, @HeaderParam("Authorization") String authorization);

    @GET
    @Path("/v1/tracks/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    Response track(@PathParam("id") String id, @HeaderParam("Authorization") String authorization);

    @GET
    @Path("/v1/tracks")
    @Produces(MediaType.APPLICATION_JSON)
    Response tracks(@QueryParam("ids") String ids, @HeaderParam("Authorization") String authorization);

    @GET
    @Path("/v1/artists")
    @Produces(MediaType.APPLICATION_JSON)
    Response artists(@QueryParam("ids") String ids, @HeaderParam("Authorization") String authorization);
}
