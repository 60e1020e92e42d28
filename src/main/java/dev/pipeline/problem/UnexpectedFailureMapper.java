package dev.pipeline.problem;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response.Status;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The truly unexpected: logged with its stack trace here, answered 500 without one. */
@Provider
public class UnexpectedFailureMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(UnexpectedFailureMapper.class.getName());

    @Override
    public Response toResponse(Throwable failure) {
        LOG.log(Level.SEVERE, "Unexpected failure while producing", failure);
        return Response.serverError()
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ProblemMapper.body(Status.INTERNAL_SERVER_ERROR.getStatusCode(),
                        Status.INTERNAL_SERVER_ERROR.getReasonPhrase(), "internal error; the request may be retried"))
                .build();
    }
}
