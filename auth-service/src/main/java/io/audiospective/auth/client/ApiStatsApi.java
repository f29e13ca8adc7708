package io.audiospective.auth.client;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * api-service's view of one member (the member of the bearer token): their time zone, and their statistics for a
 * custom window of local dates in that zone; only the fields the monthly summary uses (api-service's answers carry
 * more).
 */
@RegisterRestClient(configKey = "api-stats")
@Path("/api/v1/me")
@Produces(MediaType.APPLICATION_JSON)
interface ApiStatsApi {

    @GET
    Me me(@HeaderParam("Authorization") String bearer);

    @GET
    @Path("/stats/summary")
    Summary summary(
            @HeaderParam("Authorization") String bearer,
            @QueryParam("period") String period,
            @QueryParam("from") String from,
            @QueryParam("to") String to);

    @GET
    @Path("/stats/top/{kind}")
    Top top(
            @HeaderParam("Authorization") String bearer,
            @PathParam("kind") String kind,
            @QueryParam("period") String period,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("limit") int limit);

    /** {@code timeZone}: the zone the member chose for their statistics (the dashboard's settings). */
    record Me(String timeZone) {}

    record Summary(long plays, long ms) {}

    record Top(List<Item> items) {}

    record Item(String name, List<Artist> artists, long plays, long ms) {}

    record Artist(String name) {}
}
