package io.audiospective.api.client;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** scheduler-service's admin endpoints for one member; answers are passed on as they came, so raw responses. */
@RegisterRestClient(configKey = "scheduler")
@Path("/admin/users/{userId}")
interface SchedulerAdminApi {

    @GET
    @Path("/schedule")
    Response schedule(@PathParam("userId") String userId, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization);

    @POST
    @Path("/poll-now")
    Response pollNow(@PathParam("userId") String userId, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization);
}
