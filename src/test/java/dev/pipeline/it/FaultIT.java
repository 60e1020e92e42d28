package dev.pipeline.it;

import static dev.pipeline.it.Responses.messageIds;
import static dev.pipeline.it.Responses.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Broker faults against the Apache Artemis distribution running {@code server-config/broker.xml}
 * as its own process: a 200 is a promise the message is stored, and a broker that cannot take
 * messages gets 503 with Retry-After, fast, until the service heals by itself.
 */
@ExtendWith(DistributionBroker.class)
@ExtendWith(ArquillianExtension.class)
class FaultIT {

    private static final String TOKEN = DistributionBroker.TOKEN;
    private static ArtemisProcess broker;
    private static Gateway gateway;

    @Deployment(testable = false)
    @TargetsContainer(DistributionBroker.INSTANCE)
    static WebArchive pipeline() {
        return Deployments.pipeline();
    }

    @BeforeAll
    static void connect() {
        broker = DistributionBroker.broker();
        gateway = DistributionBroker.gateway();
    }

    @Test
    void brokerKilledMidLoadLosesNoAcknowledgedMessageStoresNoBatchInPartAndRecoversByItself() throws Exception {
        KillCycles.Result result = new KillCycles(broker, gateway, "orders", TOKEN).run(1, 150, 4);

        assertEquals(List.of(), result.unexpected(), "only 200 or 503 with Retry-After, each within seconds");
        assertEquals(0, result.lost(), "every acknowledged message is stored: " + result);
        assertEquals(0, result.duplicated(), "no message is stored twice: " + result);
        assertEquals(0, result.partialBatches(), "a batch is stored whole or not at all: " + result);
        assertTrue(result.recoveries().get(0).compareTo(Duration.ofSeconds(10)) < 0, "recovered in seconds: " + result);
    }

    /**
     * A request the broker already has waits for its answer, which never comes: the client's callTimeout
     * (2 s) ends the wait, after up to 2 s to hand it over; the rest is slack for a loaded machine.
     */
    private static final Duration FROZEN_BROKER_ANSWERED_WITHIN = Duration.ofSeconds(5);

    @Test
    void frozenBrokerGets503QuicklyWhileLivenessStaysFastAndServiceRecoversOnThaw() throws Exception {
        awaitStatus200("{\"message\":\"before the freeze\"}", Duration.ofSeconds(15));
        broker.freeze();
        try {
            for (int i = 0; i < 3; i++) {
                Instant sent = Instant.now();
                HttpResponse<String> response = gateway.post("orders").token(TOKEN).json("{\"message\":\"frozen\"}");
                Duration took = Duration.between(sent, Instant.now());
                problem(response, 503);
                assertTrue(response.headers().firstValue("Retry-After").isPresent());
                assertTrue(took.compareTo(FROZEN_BROKER_ANSWERED_WITHIN) < 0, "503 after " + took);
            }
            assertLivenessAnswersAtOnce();
        } finally {
            broker.thaw();
        }
        awaitStatus200("{\"message\":\"thawed\"}", Duration.ofSeconds(15));
    }

    @Test
    void fullAddressWithFailPolicyGets503AndAcceptsAgainOnceDrained() throws Exception {
        String body = "{\"message\":\"" + "f".repeat(30_000) + "\"}";
        TestBroker.Subscription subscription = TestBroker.subscribe(broker.clientUrl(), "tiny");
        try {
            HttpResponse<String> response = sendUntilRefused("tiny", body, Duration.ofSeconds(5));
            problem(response, 503);
            assertTrue(response.headers().firstValue("Retry-After").isPresent());
        } finally {
            subscription.close();
        }
        try (var drained = TestBroker.subscribe(broker.clientUrl(), "tiny")) {
            messageIds(gateway.post("tiny").token(TOKEN).json(body));
        }
    }

    @Test
    void fullAddressWithBlockPolicyGets503WithinSecondsNotAHangAndAcceptsAgainOnceDrained() throws Exception {
        String body = "{\"message\":\"" + "b".repeat(30_000) + "\"}";
        TestBroker.Subscription subscription = TestBroker.subscribe(broker.clientUrl(), "blocking");
        try {
            HttpResponse<String> response = sendUntilRefused("blocking", body, HELD_SEND_ANSWERED_WITHIN);
            problem(response, 503);
            assertTrue(response.headers().firstValue("Retry-After").isPresent());
            assertLivenessAnswersAtOnce();
        } finally {
            subscription.close();
        }
        try (var drained = TestBroker.subscribe(broker.clientUrl(), "blocking")) {
            awaitStatus200On("blocking", body, Duration.ofSeconds(15));
        }
    }

    @Test
    void concurrentRetriesOfOneMessageIdAreStoredOnceAlsoAfterABrokerCrash() throws Exception {
        String id = "retry-" + UUID.randomUUID();
        String message = "{\"message\":\"once\",\"messageId\":\"" + id + "\"}";
        TestBroker.Subscription subscription = TestBroker.subscribe(broker.clientUrl(), "orders");
        String name = subscription.name();
        subscription.detach();

        ExecutorService senders = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            responses.add(senders.submit(() -> {
                go.await();
                return gateway.post("orders").token(TOKEN).json(message);
            }));
        }
        go.countDown();
        for (Future<HttpResponse<String>> response : responses) {
            assertEquals(List.of(id), messageIds(response.get(1, TimeUnit.MINUTES)));
        }
        senders.shutdown();

        broker.kill();
        broker.start();
        awaitStatus200(message, Duration.ofSeconds(15));
        String marker = "marker-" + UUID.randomUUID();
        messageIds(gateway.post("orders").token(TOKEN).json("{\"message\":\"end\",\"messageId\":\"" + marker + "\"}"));

        try (var resumed = TestBroker.resume(broker.clientUrl(), "orders", name)) {
            assertEquals(List.of(id, marker), ProduceJsonIT.ids(resumed.untilMarker(marker)));
        }
    }

    /** Sends until the first answer that is not 200 (at most 50 tries), each answered within 5 s. */
    /**
     * A send the broker holds (BLOCK) is answered by the gateway's last guard, 8 s after the request
     * arrived, as the broker never answers it; the rest is slack for a loaded machine.
     */
    private static final Duration HELD_SEND_ANSWERED_WITHIN = Duration.ofSeconds(10);

    private static HttpResponse<String> sendUntilRefused(String topic, String body, Duration answeredWithin) throws Exception {
        HttpResponse<String> response = null;
        for (int i = 0; i < 50 && (response == null || response.statusCode() == 200); i++) {
            Instant sent = Instant.now();
            response = gateway.post(topic).token(TOKEN).json(body);
            Duration took = Duration.between(sent, Instant.now());
            assertTrue(took.compareTo(answeredWithin) < 0, "answered after " + took);
        }
        return response;
    }

    private static void assertLivenessAnswersAtOnce() throws Exception {
        Instant asked = Instant.now();
        HttpResponse<Void> live = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(gateway.payara().uri("/health/live")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding());
        assertEquals(200, live.statusCode());
        assertTrue(Duration.between(asked, Instant.now()).compareTo(Duration.ofSeconds(1)) < 0, "liveness answers at once");
    }

    private static void awaitStatus200(String message, Duration within) throws Exception {
        awaitStatus200On("orders", message, within);
    }

    private static void awaitStatus200On(String topic, String message, Duration within) throws Exception {
        Instant deadline = Instant.now().plus(within);
        while (gateway.post(topic).token(TOKEN).json(message).statusCode() != 200) {
            assertTrue(Instant.now().isBefore(deadline), "no 200 within " + within);
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }
}
