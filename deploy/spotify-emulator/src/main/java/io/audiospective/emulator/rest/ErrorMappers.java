package io.audiospective.emulator.rest;

import jakarta.inject.Inject;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.audiospective.emulator.service.SpotifyJson;

/** Bad input and unknown resources answer in Spotify's error shape. */
public class ErrorMappers {

    @Inject
    SpotifyJson json;

    @ServerExceptionMapper
    public Response badInput(IllegalArgumentException e) {
        return Response.status(400)
                .type(MediaType.APPLICATION_JSON)
                .entity(json.error(400, e.getMessage()))
                .build();
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        String message =
                e.getMessage() == null || e.getMessage().startsWith("HTTP 404") ? "Service not found" : e.getMessage();
        return Response.status(404)
                .type(MediaType.APPLICATION_JSON)
                .entity(json.error(404, message))
                .build();
    }
}
