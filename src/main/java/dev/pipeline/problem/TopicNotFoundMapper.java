package dev.pipeline.problem;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** 404 with the problem body, the same for a topic that does not exist and one the token may not use. */
@Provider
public class TopicNotFoundMapper implements ExceptionMapper<TopicNotFoundException> {

    private final ProblemMapper problems = new ProblemMapper();

    @Override
    public Response toResponse(TopicNotFoundException exception) {
        return problems.toResponse(Problem.topicNotFound());
    }
}
