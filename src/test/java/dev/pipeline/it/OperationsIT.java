package dev.pipeline.it;

import static dev.pipeline.it.Responses.messageIds;
import static dev.pipeline.it.Responses.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;

import dev.pipeline.produce.control.RequestBodyReader;
import dev.pipeline.v1.Message;
import dev.pipeline.v1.MessageBatch;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What operators read: the OpenAPI document, liveness, and the produce metrics. Run on Payara 7 and,
 * in -Ppayara6, on Payara 6: both lines serve these documents with code of their own.
 */
@ExtendWith(ArquillianExtension.class)
@ExtendWith(SharedGateway.class)
class OperationsIT {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final String PRODUCE_PATH = "/topics/{topicName}/messages";
    private static final Pattern FAMILY = Pattern.compile("^# TYPE (pipeline_\\w+) (\\w+)$", Pattern.MULTILINE);

    @Deployment(testable = false)
    static WebArchive pipeline() {
        return Deployments.pipeline();
    }

    @Test
    void openApiDocumentDescribesTheEndpointItsBodiesAndEveryAnswer(Gateway gateway) throws Exception {
        HttpResponse<String> response = get(gateway, "/openapi", "application/json");
        assertEquals(200, response.statusCode());
        JsonObject document = Json.createReader(new StringReader(response.body())).readObject();

        assertEquals(Set.of(PRODUCE_PATH), document.getJsonObject("paths").keySet());
        JsonObject post = document.getJsonObject("paths").getJsonObject(PRODUCE_PATH).getJsonObject("post");
        assertEquals(Set.copyOf(RequestBodyReader.MEDIA_TYPES), post.getJsonObject("requestBody").getJsonObject("content").keySet());
        assertEquals(Set.of("200", "400", "401", "404", "406", "500", "503"), post.getJsonObject("responses").keySet());
        assertTrue(post.getJsonObject("responses").getJsonObject("503").getJsonObject("headers").containsKey("Retry-After"));
        assertTrue(post.getJsonArray("parameters").toString().contains("\"topicName\""));
        assertFalse(post.getJsonArray("parameters").toString().contains("\"Content-Type\""), "Content-Type is the body's, not a parameter");
        JsonObject message = document.getJsonObject("components").getJsonObject("schemas").getJsonObject("Message");
        assertEquals(12, message.getJsonObject("properties").size());
        assertEquals(256, message.getJsonObject("properties").getJsonObject("orderingKey").getInt("maxLength"));
    }

    @Test
    void servedServerIsTheContextRootRelativeToTheServingHostAndTakesEveryDocumentedMediaType(Gateway gateway) throws Exception {
        URI documentUri = gateway.payara().uri("/openapi");
        JsonObject document = Json.createReader(new StringReader(get(gateway, "/openapi", "application/json").body())).readObject();

        List<JsonObject> servers = document.getJsonArray("servers").getValuesAs(JsonObject.class);
        assertEquals(List.of("/pipeline"), servers.stream().map(server -> server.getString("url")).toList(),
                "one server, relative, whichever name and port the client used");
        URI messages = documentUri.resolve(servers.get(0).getString("url") + PRODUCE_PATH.replace("{topicName}", "clicks"));
        String token = TestTokens.serviceToken("clicks-writer").sign();
        Message one = Message.newBuilder().setMessage("m").build();
        for (String type : document.getJsonObject("paths").getJsonObject(PRODUCE_PATH).getJsonObject("post")
                .getJsonObject("requestBody").getJsonObject("content").keySet()) {
            byte[] body = type.equals(RequestBodyReader.JSON) ? "[{\"message\":\"m\"}]".getBytes(StandardCharsets.UTF_8)
                    : type.contains("proto=pipeline.v1.MessageBatch") ? MessageBatch.newBuilder().addMessages(one).build().toByteArray()
                    : one.toByteArray();
            HttpResponse<String> answer = CLIENT.send(HttpRequest.newBuilder(messages).header("Content-Type", type)
                    .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(1, messageIds(answer).size(), type);
        }
    }

    @Test
    void acceptWithoutJsonIsAnswered406WithAProblemBodyAsDocumented(Gateway gateway) throws Exception {
        problem(gateway.post("clicks").token(TestTokens.serviceToken("clicks-writer").sign()).header("Accept", "text/plain")
                .json("{\"message\":\"m\"}"), 406);
    }

    @Test
    void servedOpenApiDocumentIsValidOpenApiAndDocumentsTheProducePath(Gateway gateway) throws Exception {
        // JSON on request, YAML by default.
        for (String accept : List.of("application/json", "*/*")) {
            HttpResponse<String> response = get(gateway, "/openapi", accept);
            assertEquals(200, response.statusCode());
            ParseOptions options = new ParseOptions();
            options.setResolve(true);
            SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(response.body(), null, options);

            assertEquals(List.of(), parsed.getMessages(), "validator messages for the " + accept + " document: " + response.body());
            assertNotNull(parsed.getOpenAPI().getPaths().get(PRODUCE_PATH), "produce path in " + parsed.getOpenAPI().getPaths().keySet());
            assertNotNull(parsed.getOpenAPI().getPaths().get(PRODUCE_PATH).getPost(), "produce operation");
        }
    }

    @Test
    void latencyIsPublishedAsHistogramBucketsAndEveryMetricHasHelpText(Gateway gateway) throws Exception {
        messageIds(gateway.post("clicks").token(TestTokens.serviceToken("clicks-writer").sign()).json("{\"message\":\"m\"}"));

        String text = get(gateway, "/metrics?scope=application", "text/plain").body();
        assertTrue(text.contains("# TYPE pipeline_request_latency_seconds histogram"), text);
        for (String bound : List.of("0.001", "0.1", "1.0", "30.0", "+Inf")) {
            assertTrue(Pattern.compile("(?m)^pipeline_request_latency_seconds_bucket\\{[^}]*topic=\"clicks\"[^}]*le=\"" + Pattern.quote(bound)
                    + "\"} [0-9.E]+$").matcher(text).find(), "bucket le=" + bound + " in " + text);
        }
        assertTrue(text.contains("# TYPE pipeline_request_duration_seconds summary"), "the summary stays: " + text);
        assertFalse(Pattern.compile("(?m)^pipeline_request_latency_seconds\\{.*quantile=").matcher(text).find(),
                "no quantiles inside the histogram (promtool: non-summary metrics should not have \"quantile\" label)");

        Set<String> withoutHelp = new TreeSet<>();
        Matcher family = FAMILY.matcher(text);
        while (family.find()) {
            if (!text.contains("# HELP " + family.group(1) + " ")) {
                withoutHelp.add(family.group(1));
            }
        }
        // Payara 6 writes a timer's mean as a gauge of its own without help text; Payara 7 has no such gauge.
        if (System.getProperty("payara.version", "").startsWith("6.")) {
            withoutHelp.removeIf(name -> name.endsWith("_seconds_mean"));
        }
        assertEquals(Set.of(), withoutHelp, "metric families without # HELP");
    }

    @Test
    void livenessAnswers200(Gateway gateway) throws Exception {
        assertEquals(200, get(gateway, "/health/live", "application/json").statusCode());
    }

    @Test
    void metricsCountRequestsMessagesAndBytesPerTopicAndOutcome(Gateway gateway, TestBroker broker) throws Exception {
        String token = TestTokens.serviceToken("clicks-writer").sign();
        String batch = "[{\"message\":\"a\"},{\"message\":\"b\"},{\"message\":\"c\"}]";
        Map<String, Double> before = metrics(gateway);

        messageIds(gateway.post("clicks").token(token).json(batch));
        problem(gateway.post("clicks").token(token).json("{\"colour\":\"red\"}"), 400);

        Map<String, Double> after = metrics(gateway);
        assertEquals(1.0, delta(before, after, "pipeline_requests_total", "clicks", "2xx"));
        assertEquals(1.0, delta(before, after, "pipeline_requests_total", "clicks", "4xx"));
        assertEquals(3.0, delta(before, after, "pipeline_messages_total", "clicks", null));
        assertEquals(batch.getBytes(StandardCharsets.UTF_8).length,
                delta(before, after, "pipeline_received_bytes_total", "clicks", "2xx"));
        assertEquals(1.0, delta(before, after, "pipeline_request_duration_seconds_count", "clicks", "2xx"));
        assertEquals(1.0, delta(before, after, "pipeline_publish_transactions_total", "clicks", null), "the batch is one transaction");
        assertEquals(3.0, delta(before, after, "pipeline_publish_transaction_messages_total", "clicks", null));
        assertEquals(0.0, after.get(after.keySet().stream().filter(line -> line.startsWith("pipeline_publish_pending_bytes{"))
                .findFirst().orElseThrow(() -> new AssertionError("no pipeline_publish_pending_bytes in " + after.keySet()))),
                "every answered request gave its bytes back");
    }

    @Test
    void aTokenIsVerifiedOnceAndRememberedForItsNextRequests(Gateway gateway) throws Exception {
        String token = TestTokens.serviceToken("clicks-writer").sign();
        Map<String, Double> before = metrics(gateway);

        for (int i = 0; i < 4; i++) {
            messageIds(gateway.post("clicks").token(token).json("{\"message\":\"m\"}"));
        }

        Map<String, Double> after = metrics(gateway);
        assertEquals(1.0, seriesDelta(before, after, "pipeline_token_checks_total", "result=\"verified\""));
        assertEquals(3.0, seriesDelta(before, after, "pipeline_token_checks_total", "result=\"remembered\""));
    }

    @Test
    void failedRequestIsLoggedOnceWithTopicStatusAndReason(Gateway gateway) throws Exception {
        String field = "field" + java.util.UUID.randomUUID().toString().replace("-", "");
        problem(gateway.post("clicks").token(TestTokens.serviceToken("clicks-writer").sign())
                .json("{\"message\":\"m\",\"" + field + "\":1}"), 400);

        String log = gateway.payara().log();
        assertTrue(log.contains("POST topics/clicks/messages answered 400: unknown field '" + field + "'"), "log line");
        assertEquals(log.indexOf(field), log.lastIndexOf(field), "logged once");
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String name, String topic, String outcome) {
        return outcome == null ? seriesDelta(before, after, name, "topic=\"" + topic + "\"")
                : seriesDelta(before, after, name, "topic=\"" + topic + "\"", "outcome=\"" + outcome + "\"");
    }

    /** The change of the one series of {@code name} that has all the {@code labels} (as {@code key="value"}). */
    private static double seriesDelta(Map<String, Double> before, Map<String, Double> after, String name, String... labels) {
        String key = after.keySet().stream()
                .filter(line -> line.startsWith(name + "{") && java.util.Arrays.stream(labels).allMatch(line::contains))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " with " + List.of(labels) + " in " + after.keySet()));
        return after.get(key) - before.getOrDefault(key, 0.0);
    }

    /** Prometheus text: series (name and labels) to value. */
    private static Map<String, Double> metrics(Gateway gateway) throws Exception {
        HttpResponse<String> response = get(gateway, "/metrics?scope=application", "text/plain");
        assertEquals(200, response.statusCode());
        Map<String, Double> series = new java.util.HashMap<>();
        for (String line : response.body().split("\n")) {
            if (!line.startsWith("#") && line.contains(" ")) {
                int split = line.lastIndexOf(' ');
                series.put(line.substring(0, split), Double.parseDouble(line.substring(split + 1)));
            }
        }
        return series;
    }

    private static HttpResponse<String> get(Gateway gateway, String path, String accept) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(gateway.payara().uri(path)).header("Accept", accept).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
