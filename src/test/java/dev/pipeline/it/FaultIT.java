package dev.pipeline.it;

import static dev.pipeline.it.Responses.messageIds;
import static dev.pipeline.it.Responses.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.Message;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Broker faults against the Apache Artemis distribution running {@code server-config/broker.xml}
 * as its own process: a 200 is a promise the message is stored, and a broker that cannot take
 * messages gets 503 with Retry-After, fast, until the service heals by itself.
 */
class FaultIT {

    private static final Path DIR = Path.of(System.getProperty("pipeline.testDir", "target/it")).toAbsolutePath().resolve("faults");
    private static final Duration NEVER_A_HANG = Duration.ofSeconds(5);
    private static final String TOKEN = TestTokens.serviceToken("orders-writer").sign();
    private static ArtemisProcess broker;
    private static PayaraMicro payara;
    private static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        broker = ArtemisProcess.create(DIR, """
                <address-setting match="tiny">
                   <max-size-bytes>100KB</max-size-bytes>
                   <address-full-policy>FAIL</address-full-policy>
                </address-setting>
                """);
        broker.start();
        Path catalogue = TestFiles.write(DIR.resolve("topics.json"), """
                { "topics": [ { "name": "orders", "ttl": "PT1H", "producers": ["orders-writer"] },
                              { "name": "tiny", "ttl": "PT1H", "producers": ["orders-writer"] } ] }
                """);
        payara = PayaraMicro.start("faults", Map.of(
                "pipeline.broker.url", broker.url(),
                "pipeline.broker.user", ArtemisProcess.USER,
                "pipeline.broker.password", ArtemisProcess.PASSWORD,
                "pipeline.topics.file", catalogue.toString(),
                "mp.jwt.verify.publickey.location", TestTokens.writePublicKey(DIR.resolve("publicKey.pem")).toUri().toString(),
                "mp.jwt.verify.issuer", TestTokens.ISSUER));
        gateway = new Gateway(payara);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (payara != null) {
                payara.close();
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    @Test
    void brokerKilledMidLoadLosesNoAcknowledgedMessageAndServiceRecoversByItself() throws Exception {
        TestBroker.Subscription subscription = TestBroker.subscribe(broker.clientUrl(), "orders");
        String subscriptionName = subscription.name();
        subscription.detach();

        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
        AtomicInteger refused = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService producers = Executors.newFixedThreadPool(4);
        List<Future<?>> loops = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            loops.add(producers.submit(() -> {
                for (int i = 0; i < 5_000 && running.get(); i++) {
                    String id = "kill-" + UUID.randomUUID();
                    Instant sent = Instant.now();
                    HttpResponse<String> response = gateway.post("orders").token(TOKEN)
                            .json("{\"message\":\"m\",\"messageId\":\"" + id + "\"}");
                    Duration took = Duration.between(sent, Instant.now());
                    if (took.compareTo(NEVER_A_HANG) > 0) {
                        unexpected.add(response.statusCode() + " after " + took);
                    }
                    if (response.statusCode() == 200) {
                        acknowledged.add(id);
                    } else if (response.statusCode() == 503 && response.headers().firstValue("Retry-After").isPresent()) {
                        refused.incrementAndGet();
                        TimeUnit.MILLISECONDS.sleep(100);
                    } else {
                        unexpected.add(response.statusCode() + " " + response.body());
                    }
                }
                return null;
            }));
        }
        try {
            awaitCount(acknowledged::size, 200, "acknowledged before the kill");
            broker.kill();
            awaitCount(refused::get, 10, "503s while the broker is down");
            int beforeRestart = acknowledged.size();
            broker.start();
            Instant ready = Instant.now();
            awaitCount(acknowledged::size, beforeRestart + 1, "first 200 after the restart");
            Duration recovery = Duration.between(ready, Instant.now());
            assertTrue(recovery.compareTo(Duration.ofSeconds(10)) < 0, "recovered in " + recovery);
            awaitCount(acknowledged::size, beforeRestart + 200, "acknowledged after the restart");
        } finally {
            running.set(false);
            for (Future<?> loop : loops) {
                loop.get(1, TimeUnit.MINUTES);
            }
            producers.shutdown();
        }
        assertTrue(unexpected.isEmpty(), "only 200 or 503 with Retry-After, each within " + NEVER_A_HANG + ": " + unexpected);

        String marker = "marker-" + UUID.randomUUID();
        messageIds(gateway.post("orders").token(TOKEN).json("{\"message\":\"end\",\"messageId\":\"" + marker + "\"}"));
        List<String> consumed = new ArrayList<>();
        try (var resumed = TestBroker.resume(broker.clientUrl(), "orders", subscriptionName)) {
            for (Message message : resumed.untilMarker(marker)) {
                consumed.add(message.getStringProperty("messageId"));
            }
        }
        Set<String> missing = new HashSet<>(acknowledged);
        missing.removeAll(consumed);
        assertEquals(Set.of(), missing, "every acknowledged message is stored");
        assertEquals(consumed.size(), new HashSet<>(consumed).size(), "no message is stored twice");
    }

    @Test
    void frozenBrokerGets503QuicklyWhileLivenessStaysFastAndServiceRecoversOnThaw() throws Exception {
        broker.freeze();
        try {
            for (int i = 0; i < 3; i++) {
                Instant sent = Instant.now();
                HttpResponse<String> response = gateway.post("orders").token(TOKEN).json("{\"message\":\"frozen\"}");
                Duration took = Duration.between(sent, Instant.now());
                problem(response, 503);
                assertTrue(response.headers().firstValue("Retry-After").isPresent());
                assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "503 after " + took);
            }
            Instant asked = Instant.now();
            HttpResponse<Void> live = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(payara.uri("/health/live")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertEquals(200, live.statusCode());
            assertTrue(Duration.between(asked, Instant.now()).compareTo(Duration.ofSeconds(1)) < 0, "liveness answers at once");
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
            HttpResponse<String> response = null;
            for (int i = 0; i < 50; i++) {
                response = gateway.post("tiny").token(TOKEN).json(body);
                if (response.statusCode() != 200) {
                    break;
                }
            }
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

    private static void awaitStatus200(String message, Duration within) throws Exception {
        Instant deadline = Instant.now().plus(within);
        while (gateway.post("orders").token(TOKEN).json(message).statusCode() != 200) {
            assertTrue(Instant.now().isBefore(deadline), "no 200 within " + within);
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    private static void awaitCount(java.util.function.IntSupplier count, int atLeast, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (count.getAsInt() < atLeast) {
            assertTrue(Instant.now().isBefore(deadline), what + ": " + count.getAsInt() + " of " + atLeast + " within 2 min");
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }
}
