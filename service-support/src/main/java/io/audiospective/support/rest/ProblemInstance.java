package io.audiospective.support.rest;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;

import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Names the request a problem is about ({@code instance}, the request's path) on every problem answer, whether a
 * mapper or a resource built it, so neither has to pass the request around.
 */
public class ProblemInstance {

    @ServerResponseFilter
    public void nameTheRequest(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getEntity() instanceof Problem problem && problem.instance() == null) {
            response.setEntity(problem.withInstance(request.getUriInfo().getPath()));
        }
    }
}
