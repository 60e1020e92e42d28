package dev.pipeline.it;

import static dev.pipeline.it.Responses.messageIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipeline.v1.Message;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * examples/mdb-consumer as an EE estate runs it: the Artemis resource adapter (RAR), the example's
 * message-driven bean (WAR) and the gateway on one stock Payara Micro, against a real broker that
 * requires login, as the shipped broker.xml does: the gateway and the bean get their user as system
 * properties and their passwords as environment variables. What the bean processed is read from the
 * example's own endpoint, {@code /mdb-consumer/orders/received}.
 */
@ExtendWith(ConsumerExampleIT.OrdersBroker.class)
@ExtendWith(ArquillianExtension.class)
class ConsumerExampleIT {

    /** The example's durable subscription: Artemis names it clientId.subscriptionName. */
    private static final String SUBSCRIPTION_QUEUE = "mdb-consumer.order-created";
    private static final String INSTANCE = "consumer-example";
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String WRITER = TestTokens.serviceToken("orders-writer").sign();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static TestBroker broker;
    private static PayaraMicro payara;
    private static Gateway gateway;

    /**
     * The broker of the class, started before Arquillian deploys to the {@code consumer-example}
     * container, whose configuration reads it from the {@code example.*} system properties.
     */
    static final class OrdersBroker implements BeforeAllCallback, AfterAllCallback {

        @Override
        public void beforeAll(ExtensionContext context) throws Exception {
            Path dir = PayaraMicro.instanceDir(INSTANCE);
            int port = PayaraMicro.freePort();
            broker = TestBroker.startRequiringLogin(port, dir.resolve("broker-" + System.nanoTime()), List.of("orders"));
            System.setProperty("example.brokerUrl", broker.url());
            System.setProperty("example.brokerUser", ArtemisProcess.USER);
            System.setProperty("example.brokerPassword", ArtemisProcess.PASSWORD);
            System.setProperty("example.brokerPort", Integer.toString(port));
            System.setProperty("example.topicsFile", TestFiles.write(dir.resolve("topics.json"), """
                    { "topics": [ { "name": "orders", "ttl": "PT1H", "producers": ["orders-writer"] } ] }
                    """).toString());
            System.setProperty("example.publicKey", TestTokens.writePublicKey(dir.resolve("publicKey.pem")).toUri().toString());
        }

        @Override
        public void afterAll(ExtensionContext context) throws Exception {
            if (broker != null) {
                broker.close();
            }
        }
    }

    @Deployment(testable = false)
    @TargetsContainer(INSTANCE)
    static WebArchive pipeline() {
        return Deployments.pipeline();
    }

    @BeforeAll
    static void awaitTheBeansSubscription() throws Exception {
        payara = PayaraMicroContainer.running(INSTANCE);
        gateway = new Gateway(payara);
        // The resource adapter attaches the bean's sessions in the background: a message produced
        // before its subscription exists would reach only orders-retained.
        await("the example's subscription has consumers", () -> broker.consumerCount(SUBSCRIPTION_QUEUE) > 0);
    }

    @Test
    void brokerPasswordIsNotOnPayarasCommandLine() {
        String commandLine = ProcessHandle.of(payara.pid()).orElseThrow().info().commandLine().orElseThrow();
        assertTrue(commandLine.contains("-Dpipeline.broker.user=" + ArtemisProcess.USER), commandLine);
        assertFalse(commandLine.contains(ArtemisProcess.PASSWORD), commandLine);
    }

    @Test
    void jsonOrderCreatedReachesTheBeanParsed() throws Exception {
        String id = "json-" + UUID.randomUUID();
        messageIds(gateway.post("orders").token(WRITER)
                .json("{\"messageId\":\"" + id + "\",\"messageType\":\"order.created\",\"message\":\"json order\"}"));

        assertReceivedOnce(id, "JSON", "json order");
    }

    @Test
    void protobufOrderCreatedReachesTheBeanParsed() throws Exception {
        String id = "proto-" + UUID.randomUUID();
        messageIds(gateway.post("orders").token(WRITER).header("Content-Type", Gateway.PROTOBUF).send(
                Message.newBuilder().setMessageId(id).setMessageType("order.created").setMessage("protobuf order").build().toByteArray()));

        assertReceivedOnce(id, "PROTOBUF", "protobuf order");
    }

    @Test
    void eachKeysOrdersAreProcessedInTheOrderSentByThePoolOfSessions() throws Exception {
        String run = UUID.randomUUID().toString();
        List<String> keys = List.of("a-" + run, "b-" + run, "c-" + run);
        Map<String, List<String>> sent = new HashMap<>();
        for (int sequence = 0; sequence < 20; sequence++) {
            for (String key : keys) {
                String id = key + "-" + sequence;
                messageIds(gateway.post("orders").token(WRITER).json("{\"messageId\":\"" + id
                        + "\",\"messageType\":\"order.created\",\"orderingKey\":\"" + key + "\",\"message\":\"step\"}"));
                sent.computeIfAbsent(key, k -> new ArrayList<>()).add(id);
            }
        }

        await("60 keyed orders processed by the bean", () -> received().stream()
                .filter(order -> order.getString("orderingKey").endsWith(run)).count() == 60);
        for (String key : keys) {
            List<String> processed = received().stream().filter(order -> key.equals(order.getString("orderingKey")))
                    .map(order -> order.getString("messageId")).toList();
            assertEquals(sent.get(key), processed, "key " + key + " processed in the order sent");
        }
    }

    /** The commands of the example's README, "Build and run", as a reader runs them, on this class's gateway and bean. */
    @Test
    void readmeCommandsSendOrdersAndShowWhatTheBeanProcessed() throws Exception {
        // Each command verbatim as the README has it, one text block each.
        String created = readmeCommand("""
                curl -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"messageType":"order.created","message":"an order"}' "$GATEWAY/pipeline/topics/orders/messages"
                """);
        String cancelled = readmeCommand("""
                curl -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"messageType":"order.cancelled","message":"filtered out"}' "$GATEWAY/pipeline/topics/orders/messages"
                """);
        String failsOnce = readmeCommand("""
                curl -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"messageType":"order.created","message":"fails once","properties":{"example.failFirstDelivery":"true"}}' "$GATEWAY/pipeline/topics/orders/messages"
                """);
        List<String> ids = java.util.stream.Stream.of(created, cancelled, failsOnce)
                .map(answer -> Json.createReader(new StringReader(answer)).readObject().getJsonArray("messageIds").getString(0)).toList();

        await("the README's orders processed", () -> readmeReceived().containsKey(ids.get(0)) && readmeReceived().containsKey(ids.get(2)));
        await("the subscription is drained", () -> broker.messageCount(SUBSCRIPTION_QUEUE) == 0);
        Map<String, JsonObject> received = readmeReceived();
        assertEquals(List.of("an order", 1), List.of(received.get(ids.get(0)).getString("message"), received.get(ids.get(0)).getInt("deliveryCount")));
        assertEquals(List.of("fails once", 2), List.of(received.get(ids.get(2)).getString("message"), received.get(ids.get(2)).getInt("deliveryCount")));
        assertFalse(received.containsKey(ids.get(1)), "order.cancelled must not reach the bean");
    }

    /** What the README's last command shows, by messageId. */
    private static Map<String, JsonObject> readmeReceived() {
        try {
            return Json.createReader(new StringReader(readmeCommand("""
                    curl "$CONSUMER/mdb-consumer/orders/received"
                    """)))
                    .readArray().getValuesAs(JsonObject.class).stream()
                    .collect(java.util.stream.Collectors.toMap(order -> order.getString("messageId"), order -> order));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs one command of the README with bash, its variables set to this class's Payara and a writer's token; returns its output (curl's progress meter discarded). */
    private static String readmeCommand(String command) throws IOException, InterruptedException {
        ProcessBuilder bash = new ProcessBuilder("bash", "-c", command).redirectError(ProcessBuilder.Redirect.DISCARD);
        String base = payara.uri("").toString();
        bash.environment().putAll(Map.of("GATEWAY", base, "CONSUMER", base, "TOKEN", WRITER));
        Process process = bash.start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), command);
        return output;
    }

    /** The bean read the order at its first delivery, with its body of that kind parsed. */
    private static void assertReceivedOnce(String id, String bodyKind, String message) throws Exception {
        JsonObject received = awaitReceived(id);
        assertEquals(bodyKind, received.getString("bodyKind"));
        assertEquals("order.created", received.getString("messageType"));
        assertEquals(message, received.getString("message"));
        assertEquals(1, received.getInt("deliveryCount"));
    }

    @Test
    void selectorKeepsOtherMessageTypesOutOfTheSubscription() throws Exception {
        String cancelled = "cancelled-" + UUID.randomUUID();
        String created = "created-" + UUID.randomUUID();
        messageIds(gateway.post("orders").token(WRITER)
                .json("{\"messageId\":\"" + cancelled + "\",\"messageType\":\"order.cancelled\",\"message\":\"not for this bean\"}"));
        messageIds(gateway.post("orders").token(WRITER)
                .json("{\"messageId\":\"" + created + "\",\"messageType\":\"order.created\",\"message\":\"for this bean\"}"));

        awaitReceived(created);
        // Both were routed when the gateway answered 200: had the cancelled one matched, it would now be
        // processed or still queued.
        await("the subscription is drained", () -> broker.messageCount(SUBSCRIPTION_QUEUE) == 0);
        assertEquals(Optional.empty(), find(cancelled), "order.cancelled must not reach the bean");
    }

    @Test
    void failedFirstDeliveryIsRedeliveredNotLost() throws Exception {
        String id = "fails-once-" + UUID.randomUUID();
        messageIds(gateway.post("orders").token(WRITER).json("{\"messageId\":\"" + id + "\",\"messageType\":\"order.created\","
                + "\"message\":\"fails once\",\"properties\":{\"example.failFirstDelivery\":\"true\"}}"));

        JsonObject received = awaitReceived(id);
        assertEquals(2, received.getInt("deliveryCount"), "processed on the redelivery after the first one failed");
        assertEquals(1, received().stream().filter(order -> id.equals(order.getString("messageId"))).count(),
                "processed once");
    }

    private static JsonObject awaitReceived(String messageId) throws Exception {
        await(messageId + " processed by the bean", () -> find(messageId).isPresent());
        return find(messageId).orElseThrow();
    }

    private static Optional<JsonObject> find(String messageId) {
        return received().stream().filter(order -> messageId.equals(order.getString("messageId"))).findFirst();
    }

    private static List<JsonObject> received() {
        try {
            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(payara.uri("/mdb-consumer/orders/received"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response::body);
            return Json.createReader(new StringReader(response.body())).readArray().getValuesAs(JsonObject.class);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (!condition.getAsBoolean()) {
            assertTrue(Instant.now().isBefore(deadline), what + " within " + DEADLINE);
            Thread.sleep(100);
        }
    }
}
