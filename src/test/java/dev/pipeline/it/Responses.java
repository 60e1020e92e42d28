package dev.pipeline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.util.List;

/** Assertions on the gateway's answers, as the contract words them. */
final class Responses {

    private Responses() {
    }

    static JsonObject json(HttpResponse<String> response) {
        assertTrue(response.headers().firstValue("Content-Type").orElse("").contains("json"),
                "JSON content type expected, got " + response.headers().map());
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    /** A 200 whose body lists the ids of the stored messages, in request order. */
    static List<String> messageIds(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), () -> "expected 200, got " + response.statusCode() + ": " + response.body());
        return json(response).getJsonArray("messageIds").getValuesAs(JsonString.class).stream()
                .map(JsonString::getString).toList();
    }

    /** An error with the contract's problem body; returns its detail. */
    static String problem(HttpResponse<String> response, int status) {
        assertEquals(status, response.statusCode(), () -> "expected " + status + ", got " + response.statusCode() + ": " + response.body());
        JsonObject problem = json(response);
        assertEquals(status, problem.getInt("status"));
        String detail = problem.getString("detail");
        assertTrue(!detail.isBlank() && !detail.contains("Exception") && !detail.contains("\tat "),
                () -> "detail must name the problem without a stack trace: " + detail);
        return detail;
    }
}
