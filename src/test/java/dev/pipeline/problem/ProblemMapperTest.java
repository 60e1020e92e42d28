package dev.pipeline.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProblemMapperTest {

    private final ProblemMapper mapper = new ProblemMapper();

    @Test
    void badRequestBecomesAJsonProblemWithStatusAndDetail() {
        Response response = mapper.toResponse(Problem.badRequest("'message' is required and must not be empty"));

        assertEquals(400, response.getStatus());
        assertEquals(MediaType.APPLICATION_JSON_TYPE, response.getMediaType());
        JsonObject body = body(response);
        assertEquals(400, body.getInt("status"));
        assertEquals("'message' is required and must not be empty", body.getString("detail"));
        assertEquals("Bad Request", body.getString("title"));
        assertEquals("about:blank", body.getString("type"));
    }

    @Test
    void unavailableKeepsRetryAfter() {
        Response response = mapper.toResponse(Problem.unavailable("the broker is not reachable", 2));

        assertEquals(503, response.getStatus());
        assertEquals(List.of("2"), response.getStringHeaders().get(HttpHeaders.RETRY_AFTER));
        assertEquals(503, body(response).getInt("status"));
        assertEquals("the broker is not reachable", body(response).getString("detail"));
    }

    @Test
    void unauthorizedKeepsTheBearerChallenge() {
        Response response = mapper.toResponse(Problem.unauthorized("a valid bearer token is required"));

        assertEquals(401, response.getStatus());
        assertEquals(List.of(Problem.BEARER_CHALLENGE), response.getStringHeaders().get(HttpHeaders.WWW_AUTHENTICATE));
        assertEquals("a valid bearer token is required", body(response).getString("detail"));
    }

    @Test
    void topicNotFoundIs404WithItsDetail() {
        Problem problem = Problem.topicNotFound();

        Response response = mapper.toResponse(problem);

        assertEquals(404, response.getStatus());
        assertEquals(404, body(response).getInt("status"));
        assertEquals(problem.detail(), body(response).getString("detail"));
    }

    @Test
    void runtimeErrorsGetTheSameBodyWithTheReasonAsDetail() {
        Response response = mapper.toResponse(new NotFoundException());

        assertEquals(404, response.getStatus());
        assertEquals(404, body(response).getInt("status"));
        assertEquals("Not Found", body(response).getString("detail"));
    }

    @Test
    void runtimeErrorsKeepTheirHeaders() {
        Response response = mapper.toResponse(new NotAllowedException("POST"));

        assertEquals(405, response.getStatus());
        assertEquals(List.of("POST"), response.getStringHeaders().get(HttpHeaders.ALLOW));
        assertEquals(405, body(response).getInt("status"));
    }

    private static JsonObject body(Response response) {
        try (var reader = Json.createReader(new StringReader((String) response.getEntity()))) {
            return reader.readObject();
        }
    }
}
