package dev.pipeline.it;

import static dev.pipeline.it.Responses.messageIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * examples/mdb-consumer on a replicated pair (server-config/broker-primary.xml and broker-backup.xml):
 * the bean configured with the pair's primary and backup connectors and HA, as its README says, the
 * gateway beside it on the HA URL. The primary is killed with -9; the bean keeps receiving what the
 * gateway stores afterwards, from the backup, and processes each order once.
 */
@ExtendWith(ReplicatedPair.class)
@ExtendWith(ArquillianExtension.class)
class ConsumerExampleFailoverIT {

    private static final String INSTANCE = "consumer-example-pair";
    private static final String SUBSCRIPTION_QUEUE = "mdb-consumer.order-created";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final int ORDERS_PER_PHASE = 10;
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Deployment(testable = false)
    @TargetsContainer(INSTANCE)
    static WebArchive pipeline() {
        return Deployments.pipeline();
    }

    @Test
    void beanKeepsReceivingFromTheBackupAfterThePrimaryIsKilledEachOrderOnce() throws Exception {
        PayaraMicro payara = PayaraMicroContainer.running(INSTANCE);
        Gateway gateway = new Gateway(payara);
        ArtemisProcess primary = ReplicatedPair.primary();
        await("the bean's subscription has consumers on the primary", () -> primary.consumerCount(SUBSCRIPTION_QUEUE) > 0);
        String run = UUID.randomUUID().toString();

        List<String> before = send(gateway, "before-" + run);
        await("the orders sent before processed", () -> processed(payara, run).keySet().containsAll(before));
        // Killed with nothing in flight: each order was processed and acknowledged on the primary.
        await("the subscription drained on the primary", () -> primary.messageCount(SUBSCRIPTION_QUEUE) == 0);
        primary.kill();
        List<String> after = send(gateway, "after-" + run);

        await("the orders sent after the kill processed", () -> processed(payara, run).keySet().containsAll(after));
        List<String> all = new ArrayList<>(before);
        all.addAll(after);
        Map<String, Long> processed = processed(payara, run);
        assertEquals(all.stream().sorted().toList(), processed.keySet().stream().sorted().toList(), "every order processed");
        assertEquals(Map.of(), processed.entrySet().stream().filter(order -> order.getValue() != 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), "orders processed more than once");
    }

    /** Sends the phase's orders one after the other, each retried on 503 (the gateway failing over) until stored. */
    private static List<String> send(Gateway gateway, String phase) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < ORDERS_PER_PHASE; i++) {
            String id = phase + "-" + i;
            String body = "{\"messageId\":\"" + id + "\",\"messageType\":\"order.created\",\"message\":\"order " + i + "\"}";
            Instant giveUp = Instant.now().plus(DEADLINE);
            HttpResponse<String> response = gateway.post("orders").token(ReplicatedPair.TOKEN).json(body);
            while (response.statusCode() == 503 && Instant.now().isBefore(giveUp)) {
                Thread.sleep(200);
                response = gateway.post("orders").token(ReplicatedPair.TOKEN).json(body);
            }
            messageIds(response);
            ids.add(id);
        }
        return ids;
    }

    /** The ids of this run's orders the bean processed, each with how many times. */
    private static Map<String, Long> processed(PayaraMicro payara, String run) throws IOException, InterruptedException {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(payara.uri("/mdb-consumer/orders/received"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        return Json.createReader(new StringReader(response.body())).readArray().getValuesAs(JsonObject.class).stream()
                .map(order -> order.getString("messageId")).filter(id -> id.contains(run))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (!condition.call()) {
            assertTrue(Instant.now().isBefore(deadline), what + " within " + DEADLINE);
            Thread.sleep(100);
        }
    }
}
