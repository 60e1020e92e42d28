package dev.pipeline.it;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Producers sending single messages and batches of ten, each with unique messageIds, while the
 * broker is killed with -9 and restarted; then a durable subscription made before the run is read
 * back to count what was lost, duplicated or stored in part. Used by {@link FaultIT} (one cycle)
 * and by the soak run of {@code bench/soak.sh} (many).
 */
final class KillCycles {

    static final int BATCH_SIZE = 10;
    private static final Duration NEVER_A_HANG = Duration.ofSeconds(5);

    record Result(int requests, int acknowledged, int refused, List<String> unexpected, int acknowledgedMessages,
            int lost, int duplicated, int partialBatches, List<Duration> recoveries) {

        @Override
        public String toString() {
            return "requests=%d 200=%d 503=%d other=%d acknowledgedMessages=%d lost=%d duplicated=%d partialBatches=%d recoverySeconds=%s"
                    .formatted(requests, acknowledged, refused, unexpected.size(), acknowledgedMessages, lost, duplicated,
                            partialBatches, recoveries.stream().map(d -> "%.1f".formatted(d.toMillis() / 1000.0)).toList());
        }
    }

    private final ArtemisProcess broker;
    private final Gateway gateway;
    private final String topic;
    private final String token;
    private final Map<String, List<String>> acknowledgedRequests = new ConcurrentHashMap<>();
    private final Map<String, List<String>> sentRequests = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);

    KillCycles(ArtemisProcess broker, Gateway gateway, String topic, String token) {
        this.broker = broker;
        this.gateway = gateway;
        this.topic = topic;
        this.token = token;
    }

    /** Each cycle: load until {@code acknowledgedPerPhase} more 200s, kill -9, wait for 503s, restart. */
    Result run(int cycles, int acknowledgedPerPhase, int producers) throws Exception {
        TestBroker.Subscription subscription = TestBroker.subscribe(broker.clientUrl(), topic);
        String subscriptionName = subscription.name();
        subscription.detach();

        ExecutorService pool = Executors.newFixedThreadPool(producers);
        List<Future<?>> loops = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            boolean batches = p % 2 == 1;
            loops.add(pool.submit(() -> produce(batches)));
        }
        List<Duration> recoveries = new ArrayList<>();
        try {
            for (int cycle = 0; cycle < cycles; cycle++) {
                awaitAtLeast(acknowledgedRequests::size, acknowledgedRequests.size() + acknowledgedPerPhase, "200s before the kill");
                broker.kill();
                awaitAtLeast(refused::get, refused.get() + 5, "503s while the broker is down");
                int before = acknowledgedRequests.size();
                broker.start();
                Instant ready = Instant.now();
                awaitAtLeast(acknowledgedRequests::size, before + 1, "first 200 after the restart");
                recoveries.add(Duration.between(ready, Instant.now()));
            }
            awaitAtLeast(acknowledgedRequests::size, acknowledgedRequests.size() + acknowledgedPerPhase, "200s after the last restart");
        } finally {
            running.set(false);
            for (Future<?> loop : loops) {
                loop.get(1, TimeUnit.MINUTES);
            }
            pool.shutdown();
        }
        return count(subscriptionName, recoveries);
    }

    private Void produce(boolean batches) throws Exception {
        while (running.get()) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < (batches ? BATCH_SIZE : 1); i++) {
                ids.add("soak-" + UUID.randomUUID());
            }
            String requestId = ids.get(0);
            sentRequests.put(requestId, ids);
            String body = ids.stream().map(id -> "{\"message\":\"m\",\"messageId\":\"" + id + "\"}")
                    .reduce((a, b) -> a + "," + b).map(all -> batches ? "[" + all + "]" : all).orElseThrow();
            Instant sent = Instant.now();
            HttpResponse<String> response = gateway.post(topic).token(token).json(body);
            requests.incrementAndGet();
            Duration took = Duration.between(sent, Instant.now());
            if (took.compareTo(NEVER_A_HANG) > 0) {
                unexpected.add(response.statusCode() + " after " + took);
            }
            if (response.statusCode() == 200) {
                acknowledgedRequests.put(requestId, ids);
            } else if (response.statusCode() == 503 && response.headers().firstValue("Retry-After").isPresent()) {
                refused.incrementAndGet();
                TimeUnit.MILLISECONDS.sleep(100);
            } else {
                unexpected.add(response.statusCode() + " " + response.body());
            }
        }
        return null;
    }

    private Result count(String subscriptionName, List<Duration> recoveries) throws Exception {
        String marker = "marker-" + UUID.randomUUID();
        HttpResponse<String> end = gateway.post(topic).token(token).json("{\"message\":\"end\",\"messageId\":\"" + marker + "\"}");
        if (end.statusCode() != 200) {
            throw new AssertionError("the closing marker was not accepted: " + end.statusCode() + " " + end.body());
        }
        Map<String, Integer> consumed = new HashMap<>();
        try (var resumed = TestBroker.resume(broker.clientUrl(), topic, subscriptionName)) {
            for (Message message : resumed.untilMarker(marker)) {
                consumed.merge(messageId(message), 1, Integer::sum);
            }
        }
        int lost = 0;
        int acknowledgedMessages = 0;
        for (List<String> ids : acknowledgedRequests.values()) {
            acknowledgedMessages += ids.size();
            lost += (int) ids.stream().filter(id -> !consumed.containsKey(id)).count();
        }
        int duplicated = (int) consumed.values().stream().filter(n -> n > 1).count();
        int partial = 0;
        for (List<String> ids : sentRequests.values()) {
            long stored = ids.stream().filter(consumed::containsKey).count();
            if (stored != 0 && stored != ids.size()) {
                partial++;
            }
        }
        return new Result(requests.get(), acknowledgedRequests.size(), refused.get(), List.copyOf(unexpected),
                acknowledgedMessages, lost, duplicated, partial, recoveries);
    }

    private static String messageId(Message message) throws JMSException {
        return message.getStringProperty("messageId");
    }

    private static void awaitAtLeast(IntSupplier count, int atLeast, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (count.getAsInt() < atLeast) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(what + ": " + count.getAsInt() + " of " + atLeast + " within 2 min");
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }
}
