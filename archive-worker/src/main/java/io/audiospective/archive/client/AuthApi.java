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

/** auth-service's internal endpoint; statuses are read by {@link AuthClient}. */
@RegisterRestClient(configKey = "auth-service")
@Path("/internal/users/{userId}/access-token")
interface AuthApi {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    Response accessToken(@PathParam("userId") String userId, @QueryParam("rejected") String rejectedFingerprint,
            @HeaderParam("Authorization") String authorization);
}
