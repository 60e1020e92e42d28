package dev.pipeline.problem;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** 400 with the problem body naming what is wrong. */
@Provider
public class InvalidRequestMapper implements ExceptionMapper<InvalidRequestException> {

    private final ProblemMapper problems = new ProblemMapper();

    @Override
    public Response toResponse(InvalidRequestException exception) {
        return problems.toResponse(Problem.badRequest(exception.getMessage()));
    }
}
