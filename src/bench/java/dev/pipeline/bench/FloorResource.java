package dev.pipeline.bench;

import dev.pipeline.problem.Problem;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The HTTP floor of the benchmark (issue 5), built only with {@code -Pbench}: the produce
 * endpoint's path shape, token check and body read, without the broker. What the gateway adds on
 * top of this is what sending costs.
 */
@RequestScoped
@Path("floor")
public class FloorResource {

    private static final String NO_IDS = "{\"messageIds\":[]}";

    @Inject
    JsonWebToken token;

    @POST
    @Path("topics/{topicName}/messages")
    @Produces(MediaType.APPLICATION_JSON)
    public Response produce(InputStream body) throws IOException {
        if (token == null || token.getRawToken() == null) {
            throw Problem.unauthorized("a valid bearer token is required");
        }
        body.transferTo(OutputStream.nullOutputStream());
        return Response.ok(NO_IDS).build();
    }
}
