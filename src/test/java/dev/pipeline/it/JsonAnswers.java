package dev.pipeline.it;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What the tests' own HTTP servers (a JWKS endpoint standing in for an identity provider) answer: JSON, 200. */
final class JsonAnswers {

    private JsonAnswers() {
    }

    static void send(HttpExchange exchange, String json, Map<String, String> headers) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        headers.forEach(exchange.getResponseHeaders()::add);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
