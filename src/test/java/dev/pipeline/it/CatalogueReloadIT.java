package dev.pipeline.it;

import static dev.pipeline.it.Responses.messageIds;
import static dev.pipeline.it.Responses.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.jms.Message;
import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The topic catalogue changes while the gateway runs: a new version is in force within seconds,
 * named in {@code /health/ready}; an invalid one is refused with one log line and the old one serves.
 */
class CatalogueReloadIT extends StockPayaraTest {

    private static final Duration TAKES_EFFECT_WITHIN = Duration.ofSeconds(10);
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String ORDERS = "{\"name\":\"orders\",\"ttl\":\"PT1H\",\"producers\":[\"orders-writer\"]}";

    @Test
    void addedTopicChangedProducersAndChangedTtlTakeEffectWithoutRestart() throws Exception {
        Path dir = PayaraMicro.instanceDir("catalogue-reload");
        Path catalogue = TestFiles.write(dir.resolve("topics.json"), catalogue(ORDERS));
        try (TestBroker broker = TestBroker.start(PayaraMicro.freePort(), dir.resolve("broker-" + System.nanoTime()),
                        List.of("orders", "clicks"));
                TestBroker.Subscription clicks = broker.subscribe("clicks");
                StockGateway stock = startStock("catalogue-reload", configuration(broker, dir, catalogue))) {
            Gateway gateway = stock.gateway();
            String clicksWriter = TestTokens.serviceToken("clicks-writer").sign();
            String version = catalogueCheck(stock.payara()).getString("version");
            problem(gateway.post("clicks").token(clicksWriter).json("{\"message\":\"m\"}"), 404);

            replace(catalogue, catalogue(ORDERS, "{\"name\":\"clicks\",\"ttl\":\"PT10M\",\"producers\":[\"clicks-writer\"]}"));
            awaitVersionOtherThan(stock.payara(), version);

            messageIds(gateway.post("clicks").token(clicksWriter).json("{\"messageId\":\"first\",\"message\":\"m\"}"));
            Message first = clicks.next();
            assertEquals(Duration.ofMinutes(10).toMillis(), first.getJMSExpiration() - first.getJMSTimestamp());

            String changed = catalogueCheck(stock.payara()).getString("version");
            replace(catalogue, catalogue(ORDERS, "{\"name\":\"clicks\",\"ttl\":\"PT2M\",\"producers\":[\"analytics\"]}"));
            awaitVersionOtherThan(stock.payara(), changed);

            problem(gateway.post("clicks").token(clicksWriter).json("{\"message\":\"m\"}"), 404);
            messageIds(gateway.post("clicks").token(TestTokens.serviceToken("analytics").sign())
                    .json("{\"messageId\":\"second\",\"message\":\"m\"}"));
            Message second = clicks.next();
            assertEquals("second", second.getStringProperty("messageId"));
            assertEquals(Duration.ofMinutes(2).toMillis(), second.getJMSExpiration() - second.getJMSTimestamp());
        }
    }

    @Test
    void invalidCatalogueIsRefusedWithOneLogLineAndTheOldOneKeepsServing() throws Exception {
        Path dir = PayaraMicro.instanceDir("catalogue-refused");
        Path catalogue = TestFiles.write(dir.resolve("topics.json"), catalogue(ORDERS));
        try (TestBroker broker = TestBroker.start(PayaraMicro.freePort(), dir.resolve("broker-" + System.nanoTime()),
                        List.of("orders"));
                StockGateway stock = startStock("catalogue-refused", configuration(broker, dir, catalogue))) {
            Gateway gateway = stock.gateway();
            String version = catalogueCheck(stock.payara()).getString("version");

            replace(catalogue, catalogue(ORDERS.replace("PT1H", "an hour")));
            JsonObject check = await(stock.payara(), found -> found.containsKey("refused"));

            assertEquals(version, check.getString("version"));
            assertTrue(check.getString("refused").contains("topics[0].ttl 'an hour'"), check.toString());
            messageIds(gateway.post("orders").token(TestTokens.serviceToken("orders-writer").sign()).json("{\"message\":\"m\"}"));
            String log = stock.payara().log();
            List<String> refusals = log.lines().filter(line -> line.contains("topics[0].ttl 'an hour'")).toList();
            assertEquals(1, refusals.size(), () -> "one log line per refused version: " + refusals);
            assertEquals(200, readiness(stock.payara()).statusCode());
        }
    }

    private static Map<String, String> configuration(TestBroker broker, Path dir, Path catalogue) {
        return Map.of(
                "pipeline.broker.url", broker.url(),
                "pipeline.topics.file", catalogue.toString(),
                "pipeline.topics.reload-interval", "PT1S",
                "mp.jwt.verify.publickey.location", TestTokens.writePublicKey(dir.resolve("publicKey.pem")).toUri().toString(),
                "mp.jwt.verify.issuer", TestTokens.ISSUER);
    }

    private static String catalogue(String... topics) {
        return "{\"topics\":[" + String.join(",", topics) + "]}";
    }

    /** As an operator should: write a new file and move it over the old one, so no reader sees half a file. */
    private static void replace(Path catalogue, String content) throws IOException {
        Path next = Files.writeString(catalogue.resolveSibling("topics.json.next"), content);
        Files.move(next, catalogue, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void awaitVersionOtherThan(PayaraMicro payara, String version) throws Exception {
        await(payara, check -> !check.getString("version").equals(version));
    }

    private static JsonObject await(PayaraMicro payara, Predicate<JsonObject> condition) throws Exception {
        Instant deadline = Instant.now().plus(TAKES_EFFECT_WITHIN);
        JsonObject check = catalogueCheck(payara);
        while (!condition.test(check)) {
            JsonObject last = check;
            assertTrue(Instant.now().isBefore(deadline), () -> "not within " + TAKES_EFFECT_WITHIN + ": " + last);
            TimeUnit.MILLISECONDS.sleep(100);
            check = catalogueCheck(payara);
        }
        return check;
    }

    /** The data of the {@code topicCatalogue} check of {@code /health/ready}. */
    private static JsonObject catalogueCheck(PayaraMicro payara) throws Exception {
        JsonObject health = Json.createReader(new StringReader(readiness(payara).body())).readObject();
        return health.getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(check -> check.getString("name").equals("topicCatalogue")).findFirst()
                .orElseThrow(() -> new AssertionError("no topicCatalogue check: " + health)).getJsonObject("data");
    }

    private static HttpResponse<String> readiness(PayaraMicro payara) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(payara.uri("/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
