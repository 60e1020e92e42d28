package dev.pipeline.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Control raises plain exceptions; these mappers are where they become the contract's answers. */
class DomainExceptionMappersTest {

    @Test
    void invalidRequestIs400NamingWhatIsWrong() {
        Response response = new InvalidRequestMapper().toResponse(new InvalidRequestException("'message' is required"));

        assertEquals(400, response.getStatus());
        assertEquals(MediaType.APPLICATION_JSON_TYPE, response.getMediaType());
        assertEquals("'message' is required", body(response).getString("detail"));
    }

    @Test
    void unavailableIs503WithItsRetryAfter() {
        Response response = new UnavailableMapper().toResponse(new UnavailableException("the broker is not reachable", 2));

        assertEquals(503, response.getStatus());
        assertEquals(List.of("2"), response.getStringHeaders().get(HttpHeaders.RETRY_AFTER));
        assertEquals(503, body(response).getInt("status"));
        assertEquals("the broker is not reachable", body(response).getString("detail"));
    }

    @Test
    void topicNotFoundIs404WithTheAnswerThatEnumeratesNothing() {
        Response response = new TopicNotFoundMapper().toResponse(new TopicNotFoundException());

        assertEquals(404, response.getStatus());
        assertEquals(Problem.topicNotFound().detail(), body(response).getString("detail"));
    }

    @Test
    void invalidTokenIs401WithABearerChallengeNamingTheClaim() {
        Response response = new InvalidTokenMapper().toResponse(new InvalidTokenException("the token's imsOrg claim must be a string"));

        assertEquals(401, response.getStatus());
        assertEquals(List.of(Problem.BEARER_CHALLENGE), response.getStringHeaders().get(HttpHeaders.WWW_AUTHENTICATE));
        assertEquals("the token's imsOrg claim must be a string", body(response).getString("detail"));
    }

    private static JsonObject body(Response response) {
        return Json.createReader(new StringReader((String) response.getEntity())).readObject();
    }
}
