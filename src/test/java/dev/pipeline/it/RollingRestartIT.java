package dev.pipeline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.jms.Message;
import java.io.StringReader;
import java.net.ConnectException;
import java.net.URI;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A gateway restarted under load, as a rolling restart does to each instance: Payara Micro as
 * shipped (the boot files of server-config/), 4 producers sending singles with unique ids, SIGTERM,
 * start again on the same port, SIGTERM again. Every answer is 200, 503 with Retry-After and the
 * problem body, or a refused connection; never 404 or 500; every acknowledged message is stored once.
 * The producers retry as the API page asks: a 503 after its Retry-After, a refused connection soon.
 */
class RollingRestartIT extends StockPayaraTest {

    private static final int PRODUCERS = 4;
    private static final int ACKNOWLEDGED_PER_RUN = 200;
    private static final Duration RUN_WITHIN = Duration.ofMinutes(3);

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean producing = new AtomicBoolean(true);

    @Test
    void restartUnderLoadAnswersOnly200Or503OrRefusesTheConnectionAndLosesNothing() throws Exception {
        Path dir = PayaraMicro.instanceDir("rolling-restart");
        Path catalogue = TestFiles.write(dir.resolve("topics.json"),
                "{\"topics\":[{\"name\":\"orders\",\"ttl\":\"PT1H\",\"producers\":[\"orders-writer\"]}]}");
        int port = PayaraMicro.freePort();
        try (TestBroker broker = TestBroker.start(PayaraMicro.freePort(), dir.resolve("broker-" + System.nanoTime()), List.of("orders"));
                TestBroker.Subscription subscription = broker.subscribe("orders")) {
            Map<String, String> configuration = Map.of(
                    "pipeline.broker.url", broker.url(),
                    "pipeline.topics.file", catalogue.toString(),
                    "mp.jwt.verify.publickey.location", TestTokens.writePublicKey(dir.resolve("publicKey.pem")).toUri().toString(),
                    "mp.jwt.verify.issuer", TestTokens.ISSUER);
            URI uri = URI.create("http://localhost:" + port + "/pipeline/topics/orders/messages");
            String token = TestTokens.serviceToken("orders-writer").sign();
            ExecutorService producers = Executors.newFixedThreadPool(PRODUCERS);
            for (int i = 0; i < PRODUCERS; i++) {
                int producer = i;
                producers.execute(() -> produce(uri, token, producer));
            }
            try {
                for (int run = 0; run < 2; run++) {
                    try (StockGateway stock = startShipped("rolling-restart", port, configuration)) {
                        awaitAcknowledged(acknowledged.size() + ACKNOWLEDGED_PER_RUN);
                    }
                }
            } finally {
                producing.set(false);
                producers.shutdown();
                assertTrue(producers.awaitTermination(1, TimeUnit.MINUTES));
            }

            assertEquals(List.of(), List.copyOf(wrong), () -> "answers: " + answers);
            assertTrue(answers.get("200").get() >= 2 * ACKNOWLEDGED_PER_RUN, answers::toString);
            Set<String> stored = new HashSet<>();
            List<String> twice = new ArrayList<>();
            // Stored may exceed acknowledged: a 503 can hide a send the broker did store.
            long inSubscription = broker.messageCount(subscription.name());
            for (long i = 0; i < inSubscription; i++) {
                Message message = subscription.next();
                if (!stored.add(message.getStringProperty("messageId"))) {
                    twice.add(message.getStringProperty("messageId"));
                }
            }
            assertEquals(List.of(), twice, "stored twice");
            Set<String> lost = new HashSet<>(acknowledged);
            lost.removeAll(stored);
            assertEquals(Set.of(), lost, "acknowledged but not stored");
            System.out.println("RollingRestartIT answers: " + answers);
        }
    }

    private void produce(URI uri, String token, int producer) {
        for (int n = 0; producing.get(); n++) {
            String id = "p" + producer + "-" + n;
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"messageId\":\"" + id + "\",\"message\":\"m\"}")).build();
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                count(Integer.toString(response.statusCode()));
                if (response.statusCode() == 200) {
                    acknowledged.add(id);
                } else if (response.statusCode() != 503 || !isRetryableProblem(response)) {
                    wrong.add(Instant.now() + " " + response.statusCode() + " " + response.headers().map() + " " + response.body());
                } else {
                    pause(Duration.ofSeconds(Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow())));
                }
            } catch (ConnectException e) {
                count("refused");
                pause(Duration.ofMillis(20));
            } catch (java.io.IOException e) {
                count("broken");
                wrong.add(Instant.now() + " " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean isRetryableProblem(HttpResponse<String> response) {
        if (response.headers().firstValue("Retry-After").isEmpty()) {
            return false;
        }
        try {
            JsonObject problem = Json.createReader(new StringReader(response.body())).readObject();
            return problem.getInt("status") == 503 && !problem.getString("detail").isBlank();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void count(String answer) {
        answers.computeIfAbsent(answer, key -> new AtomicInteger()).incrementAndGet();
    }

    /** A producer's retry loop backing off: after a 503 as its Retry-After says, after a refused connection briefly. */
    private static void pause(Duration backOff) {
        try {
            TimeUnit.MILLISECONDS.sleep(backOff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitAcknowledged(int count) throws InterruptedException {
        Instant deadline = Instant.now().plus(RUN_WITHIN);
        while (acknowledged.size() < count) {
            assertTrue(Instant.now().isBefore(deadline), () -> "only " + acknowledged.size() + " acknowledged; answers " + answers);
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }
}
