package dev.pipeline.it;

import static dev.pipeline.it.Responses.messageIds;
import static dev.pipeline.it.Responses.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How the service starts: a bad catalogue stops it; a missing broker makes it answer 503 until the broker comes. */
class DeploymentIT extends StockPayaraTest {

    private static final Path DIR = PayaraMicro.instanceDir("deployment");

    @Test
    void badCatalogueFailsTheDeploymentWithAMessageNamingTheProblem() throws Exception {
        Path catalogue = TestFiles.write(DIR.resolve("bad-topics.json"),
                "{\"topics\":[{\"name\":\"orders\",\"ttl\":\"one hour\",\"producers\":[\"w\"]}]}");
        try (StockGateway stock = launchStock("bad-catalogue", Map.of(
                "pipeline.broker.url", "tcp://localhost:" + PayaraMicro.freePort(),
                "pipeline.topics.file", catalogue.toString()))) {
            Exception failed = assertThrows(Exception.class, stock::deploy);
            assertTrue(failed.getMessage().contains("without pipeline deployed"), failed.getMessage());
            assertTrue(stock.payara().log().contains("topics[0].ttl 'one hour' is not an ISO-8601 duration"),
                    "the log names the problem");
            HttpResponse<String> response = stock.gateway().post("orders").json("{\"message\":\"m\"}");
            assertEquals(404, response.statusCode(), "nothing of the application is serving");
        }
    }

    @Test
    void withoutBrokerRequestsGet503WithRetryAfterAndSucceedOnceTheBrokerIsUp() throws Exception {
        int brokerPort = PayaraMicro.freePort();
        String token = TestTokens.serviceToken("orders-writer").sign();
        // Configured by environment variables, as the container image is.
        try (StockGateway stock = startStockWithEnvironment("no-broker", Map.of(
                "PIPELINE_BROKER_URL", "tcp://localhost:" + brokerPort,
                "PIPELINE_TOPICS_FILE", TestFiles.write(DIR.resolve("topics.json"),
                        "{\"topics\":[{\"name\":\"orders\",\"ttl\":\"PT1H\",\"producers\":[\"orders-writer\"]}]}").toString(),
                "MP_JWT_VERIFY_PUBLICKEY_LOCATION", TestTokens.writePublicKey(DIR.resolve("publicKey.pem")).toUri().toString(),
                "MP_JWT_VERIFY_ISSUER", TestTokens.ISSUER))) {
            Gateway gateway = stock.gateway();
            PayaraMicro payara = stock.payara();

            Instant sent = Instant.now();
            HttpResponse<String> refused = gateway.post("orders").token(token).json("{\"message\":\"m\"}");
            assertTrue(Duration.between(sent, Instant.now()).compareTo(Duration.ofSeconds(10)) < 0, "answered without hanging");
            problem(refused, 503);
            assertTrue(Integer.parseInt(refused.headers().firstValue("Retry-After").orElseThrow()) > 0);
            HttpResponse<String> ready = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(payara.uri("/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, ready.statusCode());
            assertTrue(ready.body().contains("not reachable"), ready.body());

            try (TestBroker broker = TestBroker.start(brokerPort, DIR.resolve("broker-" + System.nanoTime()), java.util.List.of("orders"));
                    var subscription = broker.subscribe("orders")) {
                Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
                HttpResponse<String> response = gateway.post("orders").token(token).json("{\"message\":\"after\"}");
                while (response.statusCode() == 503 && Instant.now().isBefore(deadline)) {
                    TimeUnit.MILLISECONDS.sleep(100);
                    response = gateway.post("orders").token(token).json("{\"message\":\"after\"}");
                }
                assertEquals(messageIds(response).get(0), subscription.next().getStringProperty("messageId"),
                        "the service reconnects by itself within seconds");
            }
        }
    }
}
