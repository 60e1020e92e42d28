package dev.pipeline.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class UnexpectedFailureMapperTest {

    @Test
    void unexpectedFailureIsAnswered500WithProblemBodyAndNoStackTrace() {
        Response response = new UnexpectedFailureMapper().toResponse(new IllegalStateException("secret internals"));

        assertEquals(500, response.getStatus());
        String body = (String) response.getEntity();
        JsonObject problem = Json.createReader(new StringReader(body)).readObject();
        assertEquals(500, problem.getInt("status"));
        assertFalse(body.contains("secret internals") || body.contains("IllegalStateException"), body);
    }
}
