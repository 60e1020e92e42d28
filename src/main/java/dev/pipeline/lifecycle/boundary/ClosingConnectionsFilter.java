package dev.pipeline.lifecycle.boundary;

import dev.pipeline.lifecycle.control.ServiceLifecycle;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * While stopping, the answers to requests taken before close their connection, so that the client
 * opens a new one for its next request (refused, or taken by another instance) instead of sending
 * it on a kept-alive connection the server is about to close, where it would get no answer at all.
 */
@Provider
public class ClosingConnectionsFilter implements ContainerResponseFilter {

    @Inject
    ServiceLifecycle lifecycle;

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (lifecycle.stopping()) {
            response.getHeaders().putSingle("Connection", "close");
        }
    }
}
