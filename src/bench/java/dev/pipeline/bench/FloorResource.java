package dev.pipeline.bench;

import dev.pipeline.problem.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The HTTP floor of the benchmark (issue 5), built only with {@code -Pbench}: the produce
 * endpoint's path shape, token check and body read, without the broker, written as the produce
 * endpoint is (one resource instance, the token from the security context). What the gateway adds
 * on top of this is what reading, checking and sending messages cost.
 */
@ApplicationScoped
@Path("floor")
public class FloorResource {

    private static final String NO_IDS = "{\"messageIds\":[]}";

    @POST
    @Path("topics/{topicName}/messages")
    @Produces(MediaType.APPLICATION_JSON)
    public Response produce(@Context SecurityContext security, InputStream body) throws IOException {
        if (!(security.getUserPrincipal() instanceof JsonWebToken)) {
            throw Problem.unauthorized("a valid bearer token is required");
        }
        body.transferTo(OutputStream.nullOutputStream());
        return Response.ok(NO_IDS).build();
    }
}
