package dev.pipeline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Whether a gateway accepts a token, told by a request that only an accepted token gets past: its
 * body has an unknown field, so an accepted token is answered 400 (after authentication and access),
 * a refused one 401, and nothing is stored either way. And whether it has keys to check them with.
 */
final class TokenChecks {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

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

    /** The {@code signing-keys} check of {@code /health/ready}. */
    static JsonObject signingKeysCheck(PayaraMicro payara) throws Exception {
        JsonObject health = Json.createReader(new StringReader(readiness(payara).body())).readObject();
        return health.getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(check -> check.getString("name").equals("signing-keys")).findFirst()
                .orElseThrow(() -> new AssertionError("no signing-keys check: " + health));
    }

    static HttpResponse<String> readiness(PayaraMicro payara) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(payara.uri("/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
