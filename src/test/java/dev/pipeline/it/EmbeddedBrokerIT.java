package dev.pipeline.it;

import static dev.pipeline.it.Responses.messageIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipeline.v1.Message;
import jakarta.jms.TextMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The local run: no {@code pipeline.broker.url}, so the service starts its own persistent broker,
 * creates the catalogue's topics on it (the local-run catalogue, as run.sh passes it), and serves JMS
 * consumers on its TCP acceptor, from which {@code server-config/local-run/consume.sh} reads.
 */
class EmbeddedBrokerIT extends StockPayaraTest {

    @Test
    void embeddedBrokerServesConsumersAndKeepsStoredMessagesAcrossRestarts() throws Exception {
        Path dir = PayaraMicro.instanceDir("embedded");
        String acceptor = "tcp://localhost:" + PayaraMicro.freePort();
        Map<String, String> config = Map.of(
                "pipeline.broker.embedded-acceptor", acceptor,
                "pipeline.broker.data-dir", dir.resolve("broker-" + System.nanoTime()).toString(),
                "pipeline.topics.file", Path.of("server-config/local-run/topics.json").toAbsolutePath().toString(),
                "mp.jwt.verify.publickey.location", TestTokens.writePublicKey(dir.resolve("publicKey.pem")).toUri().toString(),
                "mp.jwt.verify.issuer", TestTokens.ISSUER);
        String token = TestTokens.serviceToken("orders-writer").sign();

        String subscriptionName;
        List<String> ids;
        try (StockGateway stock = startStock("embedded", config)) {
            TestBroker.Subscription subscription = TestBroker.subscribe(acceptor, "orders");
            subscriptionName = subscription.name();
            ids = messageIds(stock.gateway().post("orders").token(token)
                    .json("[{\"message\":\"first\"},{\"message\":\"second\"}]"));
            assertEquals(ids.get(0), subscription.next().getStringProperty("messageId"));
            subscription.detach();
            assertEquals(200, java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(stock.payara().uri("/health/ready")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode(),
                    "every topic of a local run has its -local subscription");
        }

        try (StockGateway restarted = startStock("embedded", config);
                var subscription = TestBroker.resume(acceptor, "orders", subscriptionName)) {
            TextMessage kept = (TextMessage) subscription.next();
            assertEquals(ids.get(1), kept.getStringProperty("messageId"));
            assertEquals("second", jakarta.json.Json.createReader(new java.io.StringReader(kept.getText()))
                    .readObject().getString("message"));
        }
    }

    /** The README's first consumed message: what run.sh's gateway stored, printed by consume.sh on another broker port. */
    @Test
    void consumeScriptPrintsTheMessagesJustSentWithTheirProperties() throws Exception {
        Path dir = PayaraMicro.instanceDir("embedded-consume");
        int brokerPort = PayaraMicro.freePort();
        Map<String, String> config = Map.of(
                "pipeline.broker.embedded-acceptor", "tcp://localhost:" + brokerPort,
                "pipeline.broker.data-dir", dir.resolve("broker-" + System.nanoTime()).toString(),
                "pipeline.topics.file", Path.of("server-config/local-run/topics.json").toAbsolutePath().toString(),
                "mp.jwt.verify.publickey.location", TestTokens.writePublicKey(dir.resolve("publicKey.pem")).toUri().toString(),
                "mp.jwt.verify.issuer", TestTokens.ISSUER);
        String token = TestTokens.serviceToken("orders-writer").sign();
        try (StockGateway stock = startStock("embedded-consume", config)) {
            String json = messageIds(stock.gateway().post("orders").token(token)
                    .json("{\"messageType\":\"greeting\",\"message\":\"hello, pipeline\"}")).get(0);
            String protobuf = messageIds(stock.gateway().post("orders").token(token).header("Content-Type", Gateway.PROTOBUF)
                    .send(Message.newBuilder().setMessageType("greeting").setMessage("hello in protobuf").build().toByteArray())).get(0);

            Path output = dir.resolve("consume-" + System.nanoTime() + ".out");
            ProcessBuilder consume = new ProcessBuilder("server-config/local-run/consume.sh", "orders", "--max", "2", "--idle-seconds", "30")
                    .redirectErrorStream(true).redirectOutput(output.toFile());
            consume.environment().put("BROKER_PORT", Integer.toString(brokerPort));
            Process process = consume.start();
            try {
                assertTrue(process.waitFor(3, TimeUnit.MINUTES), "consume.sh still running after 3 minutes");
            } finally {
                process.destroyForcibly();
            }
            String printed = Files.readString(output);
            assertEquals(0, process.exitValue(), printed);
            assertTrue(printed.contains("messageId = " + json), printed);
            assertTrue(printed.contains("messageType = greeting"), printed);
            assertTrue(printed.contains("body (TextMessage, JSON): {") && printed.contains("hello, pipeline"), printed);
            assertTrue(printed.contains("messageId = " + protobuf), printed);
            assertTrue(printed.contains("message: \"hello in protobuf\""), printed);
        }
    }
}
