package dev.pipeline.it;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Producers sending single messages and batches of ten, each with unique messageIds, while the
 * broker is killed with -9 and restarted; then a durable subscription made before the run is read
 * back to count what was lost, duplicated or stored in part. Used by {@link FaultIT} (one cycle)
 * and by the soak run of {@code bench/soak.sh} (many).
 */
final class KillCycles {

    /** The gateway answers every request within 8 s (its last guard); the rest is slack for a loaded machine. */
    private static final Duration NEVER_A_HANG = Duration.ofSeconds(10);
    private static final Duration PHASE_TIMEOUT = Duration.ofMinutes(2);

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
    private final ProducerLedger ledger = new ProducerLedger("soak-");
    private final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

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

        ledger.start(producers, this::produce);
        List<Duration> recoveries = new ArrayList<>();
        try {
            for (int cycle = 0; cycle < cycles; cycle++) {
                ledger.awaitAcknowledged(acknowledgedPerPhase, PHASE_TIMEOUT, "200s before the kill", () -> "");
                broker.kill();
                ProducerLedger.awaitAtLeast(refused::get, refused.get() + 5, PHASE_TIMEOUT, "503s while the broker is down", () -> "");
                int before = ledger.acknowledgedRequests();
                broker.start();
                Instant ready = Instant.now();
                ProducerLedger.awaitAtLeast(ledger::acknowledgedRequests, before + 1, PHASE_TIMEOUT, "first 200 after the restart",
                        () -> "");
                recoveries.add(Duration.between(ready, Instant.now()));
            }
            ledger.awaitAcknowledged(acknowledgedPerPhase, PHASE_TIMEOUT, "200s after the last restart", () -> "");
        } finally {
            ledger.stop(Duration.ofMinutes(1));
        }
        ProducerLedger.Count count = ledger.readBack(gateway, topic, token, broker.clientUrl(), subscriptionName);
        return new Result(requests.get(), ledger.acknowledgedRequests(), refused.get(), List.copyOf(unexpected),
                count.acknowledgedMessages(), count.lost(), count.duplicated(), count.partialBatches(), recoveries);
    }

    /** One request, once: a 503 is not retried (the next request carries new ids). */
    private void produce(boolean batches) throws Exception {
        ProducerLedger.Request request = ledger.newRequest(batches);
        Instant sent = Instant.now();
        HttpResponse<String> response = gateway.post(topic).token(token).json(request.body());
        requests.incrementAndGet();
        Duration took = Duration.between(sent, Instant.now());
        if (took.compareTo(NEVER_A_HANG) > 0) {
            unexpected.add(response.statusCode() + " after " + took);
        }
        if (response.statusCode() == 200) {
            ledger.acknowledged(request);
        } else if (response.statusCode() == 503 && response.headers().firstValue("Retry-After").isPresent()) {
            refused.incrementAndGet();
            TimeUnit.MILLISECONDS.sleep(100);
        } else {
            unexpected.add(response.statusCode() + " " + response.body());
        }
    }
}
