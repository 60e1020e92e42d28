package dev.pipeline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;

/**
 * Whether a gateway accepts a token, told by a request that only an accepted token gets past: its
 * body has an unknown field, so an accepted token is answered 400 (after authentication and access),
 * a refused one 401, and nothing is stored either way.
 */
final class TokenChecks {

    private TokenChecks() {
    }

    static void assertAccepted(Gateway gateway, String token) throws Exception {
        HttpResponse<String> response = probe(gateway, token);
        assertEquals(400, response.statusCode(), () -> "token refused: " + response.statusCode() + " " + response.body());
    }

    static void assertRefused(Gateway gateway, String token) throws Exception {
        HttpResponse<String> response = probe(gateway, token);
        assertEquals(401, response.statusCode(), () -> "token accepted: " + response.statusCode() + " " + response.body());
    }

    /** The request itself, for a test that reads the answer. */
    static HttpResponse<String> probe(Gateway gateway, String token) throws Exception {
        return gateway.post("orders").token(token).json("{\"message\":\"m\",\"acceptedTokenMarker\":1}");
    }
}
