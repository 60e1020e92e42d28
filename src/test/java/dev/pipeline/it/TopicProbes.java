package dev.pipeline.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The everyday traffic of other topics beside a load: every 0.5 s a batch of three to
 * {@code orders} and a single message to {@code clicks}, each with new messageIds, each on a
 * connection of its own and started on time whatever the earlier ones are still waiting for.
 */
final class TopicProbes implements AutoCloseable {

    static final Duration INTERVAL = Duration.ofMillis(500);

    /** One probe's answer, with the phase of the test it was sent in. */
    record Probe(String topic, String phase, Instant sent, ProduceConnection.Answer answer) {

        Instant answered() {
            return sent.plus(answer.took());
        }

        /** The time it took, less the full collections the test itself forced on the gateway meanwhile. */
        Duration tookBesides(List<GatewayHeap.Sample> forcedCollections) {
            Duration took = answer.took();
            for (GatewayHeap.Sample collection : forcedCollections) {
                Instant from = collection.start().isAfter(sent) ? collection.start() : sent;
                Instant to = collection.end().isBefore(answered()) ? collection.end() : answered();
                if (from.isBefore(to)) {
                    took = took.minus(Duration.between(from, to));
                }
            }
            return took;
        }

        @Override
        public String toString() {
            return topic + " (" + phase + ") " + answer;
        }
    }

    private final int port;
    private final String token;
    private final Duration timeout;
    private final DeliveryLedger ledger;
    private final String runTag;
    private final ConcurrentLinkedQueue<Probe> probes = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService senders = Executors.newCachedThreadPool();
    private volatile String phase = "start";

    TopicProbes(int port, String token, Duration timeout, DeliveryLedger ledger, String runTag) {
        this.port = port;
        this.token = token;
        this.timeout = timeout;
        this.ledger = ledger;
        this.runTag = runTag;
    }

    void start() {
        clock.scheduleAtFixedRate(() -> {
            senders.execute(() -> send("orders", 3));
            senders.execute(() -> send("clicks", 1));
        }, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Names the phase the probes from now on are sent in. */
    void phase(String phase) {
        this.phase = phase;
    }

    private void send(String topic, int messages) {
        List<String> ids = new ArrayList<>();
        StringBuilder body = new StringBuilder(messages > 1 ? "[" : "");
        for (int i = 0; i < messages; i++) {
            String id = runTag + "-" + topic + "-" + UUID.randomUUID();
            ids.add(id);
            body.append(i == 0 ? "" : ",").append("{\"messageId\":\"").append(id).append("\",\"message\":\"probe ").append(i).append("\"}");
        }
        body.append(messages > 1 ? "]" : "");
        String sentIn = phase;
        ledger.sent(ids);
        Instant sent = Instant.now();
        try (ProduceConnection connection = new ProduceConnection(port, token, timeout)) {
            ProduceConnection.Answer answer = connection.post(topic, body.toString().getBytes(StandardCharsets.UTF_8), false);
            if (answer.stored()) {
                ledger.acknowledged(ids);
            }
            probes.add(new Probe(topic, sentIn, sent, answer));
        }
    }

    List<Probe> probes() {
        return List.copyOf(probes);
    }

    /** Stops sending and waits for the probes under way. */
    @Override
    public void close() throws InterruptedException {
        clock.shutdownNow();
        senders.shutdown();
        if (!senders.awaitTermination(timeout.plusSeconds(5).toSeconds(), TimeUnit.SECONDS)) {
            senders.shutdownNow();
        }
    }
}
