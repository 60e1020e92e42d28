package dev.pipeline.problem;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** 503 with Retry-After and the problem body. */
@Provider
public class UnavailableMapper implements ExceptionMapper<UnavailableException> {

    private final ProblemMapper problems = new ProblemMapper();

    @Override
    public Response toResponse(UnavailableException exception) {
        return problems.toResponse(Problem.unavailable(exception.getMessage(), exception.retryAfterSeconds()));
    }
}
