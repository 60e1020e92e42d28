package dev.pipeline.it;

import jakarta.jms.Message;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * What load producers sent and what the gateway acknowledged, and the check of both against what a
 * durable subscription made before the load reads back: lost, stored twice, batches stored in part.
 * Producers alternate between singles and batches of {@link #BATCH_SIZE}, every messageId new.
 * Shared by {@link KillCycles} and {@link FailoverCycles}.
 */
final class ProducerLedger {

    static final int BATCH_SIZE = 10;

    /** What the read-back found. */
    record Count(int acknowledgedMessages, int lost, int duplicated, int partialBatches, Map<String, Integer> consumed) {
    }

    /** A request's ids, the first naming it. */
    record Request(List<String> ids, String body) {
        String name() {
            return ids.get(0);
        }
    }

    private final String idPrefix;
    private final Map<String, List<String>> sent = new ConcurrentHashMap<>();
    private final Map<String, List<String>> acknowledged = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Future<?>> loops = new ArrayList<>();
    private ExecutorService pool;

    ProducerLedger(String idPrefix) {
        this.idPrefix = idPrefix;
    }

    /** Loop of one producer: called while the producers run, with whether this producer sends batches. */
    interface Producer {
        void sendOne(boolean batches) throws Exception;
    }

    /** Starts {@code count} producers, every second one sending batches. */
    void start(int count, Producer producer) {
        pool = Executors.newFixedThreadPool(count);
        for (int p = 0; p < count; p++) {
            boolean batches = p % 2 == 1;
            loops.add(pool.submit(() -> {
                while (running.get()) {
                    producer.sendOne(batches);
                }
                return null;
            }));
        }
    }

    /** Stops the producers after the request each is sending, waiting up to {@code wait} for them. */
    void stop(Duration wait) throws Exception {
        running.set(false);
        for (Future<?> loop : loops) {
            loop.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        }
        pool.shutdown();
    }

    /** A new request with new ids, recorded as sent. */
    Request newRequest(boolean batch) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < (batch ? BATCH_SIZE : 1); i++) {
            ids.add(idPrefix + UUID.randomUUID());
        }
        sent.put(ids.get(0), ids);
        String body = ids.stream().map(id -> "{\"message\":\"m\",\"messageId\":\"" + id + "\"}")
                .reduce((a, b) -> a + "," + b).map(all -> batch ? "[" + all + "]" : all).orElseThrow();
        return new Request(List.copyOf(ids), body);
    }

    void acknowledged(Request request) {
        acknowledged.put(request.name(), request.ids());
    }

    int acknowledgedRequests() {
        return acknowledged.size();
    }

    /** Waits until at least {@code more} further requests are acknowledged, failing after {@code within}. */
    void awaitAcknowledged(int more, Duration within, String what, Supplier<String> context) throws InterruptedException {
        awaitAtLeast(this::acknowledgedRequests, acknowledgedRequests() + more, within, what, context);
    }

    static void awaitAtLeast(IntSupplier count, int atLeast, Duration within, String what, Supplier<String> context)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(within);
        while (count.getAsInt() < atLeast) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(what + ": " + count.getAsInt() + " of " + atLeast + " within " + within + context.get());
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /** Sends a closing marker through {@code gateway}, reads the subscription up to it and counts. */
    Count readBack(Gateway gateway, String topic, String token, String brokerUrl, String subscriptionName) throws Exception {
        String marker = "marker-" + UUID.randomUUID();
        HttpResponse<String> end = gateway.post(topic).token(token).json("{\"message\":\"end\",\"messageId\":\"" + marker + "\"}");
        if (end.statusCode() != 200) {
            throw new AssertionError("the closing marker was not accepted: " + end.statusCode() + " " + end.body());
        }
        Map<String, Integer> consumed = new HashMap<>();
        try (var resumed = TestBroker.resume(brokerUrl, topic, subscriptionName)) {
            for (Message message : resumed.untilMarker(marker)) {
                consumed.merge(message.getStringProperty("messageId"), 1, Integer::sum);
            }
        }
        int lost = 0;
        int acknowledgedMessages = 0;
        for (List<String> ids : acknowledged.values()) {
            acknowledgedMessages += ids.size();
            lost += (int) ids.stream().filter(id -> !consumed.containsKey(id)).count();
        }
        int duplicated = (int) consumed.values().stream().filter(n -> n > 1).count();
        int partial = 0;
        for (List<String> ids : sent.values()) {
            long stored = ids.stream().filter(consumed::containsKey).count();
            if (stored != 0 && stored != ids.size()) {
                partial++;
            }
        }
        return new Count(acknowledgedMessages, lost, duplicated, partial, consumed);
    }

    /** The sent requests, by name. */
    Map<String, List<String>> sent() {
        return sent;
    }
}
