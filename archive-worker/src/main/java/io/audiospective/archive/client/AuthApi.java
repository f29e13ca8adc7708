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

import io.audiospective.model.SpotifyAccessToken;

/** auth-service's internal endpoint; statuses are read by {@link AuthClient}. */
@RegisterRestClient(configKey = "auth-service")
@Path(SpotifyAccessToken.BASE_PATH)
interface AuthApi {

    @GET
    @Path(SpotifyAccessToken.USER_PATH)
    @Produces(MediaType.APPLICATION_JSON)
    Response accessToken(
            @PathParam("userId") String userId,
            @QueryParam(SpotifyAccessToken.REJECTED_PARAMETER) String rejectedFingerprint,
            @HeaderParam("Authorization") String authorization);

    @GET
    @Path(SpotifyAccessToken.APP_PATH)
    @Produces(MediaType.APPLICATION_JSON)
    Response appAccessToken(@HeaderParam("Authorization") String authorization);
}
