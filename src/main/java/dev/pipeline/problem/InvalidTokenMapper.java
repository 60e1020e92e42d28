package dev.pipeline.problem;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** 401 with the Bearer challenge and the problem body naming the claim. */
@Provider
public class InvalidTokenMapper implements ExceptionMapper<InvalidTokenException> {

    private final ProblemMapper problems = new ProblemMapper();

    @Override
    public Response toResponse(InvalidTokenException exception) {
        return problems.toResponse(Problem.unauthorized(exception.getMessage()));
    }
}
