package dev.pipeline.it;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Producers behind a round-robin "load balancer" of gateways on a replicated pair, sending singles
 * and batches of ten, each retried on 503 with the same messageIds on the next gateway until it is
 * answered 200, while the primary is killed with -9 (the backup takes over) and restarted (it
 * synchronises and takes over again). Then a durable subscription made before the load is read back
 * through the pair's HA URL. Used by {@link FailoverIT} (one cycle) and by {@code bench/failover.sh}.
 */
final class FailoverCycles {

    /**
     * The longest a gateway may take to answer, failover included: the contract's "never a hang". The
     * gateway answers every request within 8 s (its last guard); the rest is slack for a loaded machine.
     */
    private static final Duration NEVER_A_HANG = Duration.ofSeconds(10);
    /** How long one request is retried before the run counts it as never stored. */
    private static final Duration RETRY_HORIZON = Duration.ofMinutes(2);
    private static final Duration PHASE_TIMEOUT = Duration.ofMinutes(3);

    /** What a run saw: counts, what was read back, and the longest times without any 200. */
    record Result(int requests, int acknowledged, int refused, List<String> unexpected, int acknowledgedMessages,
            int lost, int duplicated, int partialBatches, List<Duration> failoverGaps, List<Duration> failbackGaps,
            List<Duration> backupActiveAfterKill, List<Duration> failbackAfterRestart, List<String> backupExits,
            List<String> duplicatedRequests, Duration slowestAnswer) {

        @Override
        public String toString() {
            return ("requests=%d 200=%d 503=%d other=%d acknowledgedMessages=%d lost=%d duplicated=%d partialBatches=%d"
                    + " longestWithout200AtFailover=%s longestWithout200AtFailback=%s backupActiveAfterKill=%s"
                    + " primaryActiveAgainAfterRestart=%s (seconds) backupExitedAtFailback=%s slowestAnswer=%.1fs")
                    .formatted(requests, acknowledged, refused, unexpected.size(), acknowledgedMessages, lost, duplicated,
                            partialBatches, seconds(failoverGaps), seconds(failbackGaps), seconds(backupActiveAfterKill),
                            seconds(failbackAfterRestart), backupExits, slowestAnswer.toMillis() / 1000.0);
        }

        private static List<String> seconds(List<Duration> durations) {
            return durations.stream().map(d -> "%.1f".formatted(d.toMillis() / 1000.0)).toList();
        }
    }

    private final ArtemisProcess primary;
    private final ArtemisProcess backup;
    private final List<Gateway> gateways;
    private final String token;
    private final AtomicInteger nextGateway = new AtomicInteger();
    private final ProducerLedger ledger = new ProducerLedger("failover-");
    private final ConcurrentLinkedQueue<Long> acknowledgedAt = new ConcurrentLinkedQueue<>();
    /** Every try of each request (by its first id): gateway, answer, when, how long. */
    private final Map<String, ConcurrentLinkedQueue<String>> attempts = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicLong slowestNanos = new AtomicLong();

    FailoverCycles(ArtemisProcess primary, ArtemisProcess backup, List<Gateway> gateways, String token) {
        this.primary = primary;
        this.backup = backup;
        this.gateways = gateways;
        this.token = token;
    }

    /**
     * Each cycle: {@code acknowledgedPerPhase} more 200s, kill -9 the primary, as many 200s on the
     * backup, restart the primary and wait for it to be active again and the backup synchronised
     * again, as many 200s more.
     */
    Result run(int cycles, int acknowledgedPerPhase, int producers) throws Exception {
        TestBroker.Subscription subscription = TestBroker.subscribe(ReplicatedPair.clientUrl(), "orders");
        String subscriptionName = subscription.name();
        subscription.detach();

        ledger.start(producers, this::produce);
        List<Duration> failoverGaps = new ArrayList<>();
        List<Duration> failbackGaps = new ArrayList<>();
        List<Duration> backupActive = new ArrayList<>();
        List<Duration> failback = new ArrayList<>();
        List<String> backupExits = new ArrayList<>();
        try {
            awaitAcknowledged(acknowledgedPerPhase, "200s before the first kill");
            for (int cycle = 0; cycle < cycles; cycle++) {
                int activations = backup.logged(ArtemisProcess.ACTIVE);
                long killed = System.nanoTime();
                primary.kill();
                backup.awaitLogged(ArtemisProcess.ACTIVE, activations + 1);
                backupActive.add(Duration.ofNanos(System.nanoTime() - killed));
                awaitAcknowledged(acknowledgedPerPhase, "200s after the failover to the backup");
                failoverGaps.add(longestWithout200(killed, System.nanoTime()));

                int synchronisations = backup.logged(ArtemisProcess.SYNCHRONISED);
                long restarted = System.nanoTime();
                primary.start();
                failback.add(Duration.ofNanos(System.nanoTime() - restarted));
                if (!backup.awaitLoggedUnlessExited(ArtemisProcess.SYNCHRONISED, synchronisations + 1)) {
                    // Seen in three of six failbacks: the JVM ends while the broker restarts itself as backup
                    // (AMQ221039 is its last line). Its supervisor starts it again; so does the test.
                    backupExits.add("cycle " + (cycle + 1) + " exit code " + backup.exitValue());
                    backup.startBackup();
                }
                awaitAcknowledged(acknowledgedPerPhase, "200s after the failback to the primary");
                failbackGaps.add(longestWithout200(restarted, System.nanoTime()));
            }
        } finally {
            ledger.stop(RETRY_HORIZON.plusMinutes(1));
        }
        return count(subscriptionName, failoverGaps, failbackGaps, backupActive, failback, backupExits);
    }

    /** A new request, sent until it is answered 200, with the same ids. */
    private void produce(boolean batches) throws Exception {
        ProducerLedger.Request request = ledger.newRequest(batches);
        Instant giveUp = Instant.now().plus(RETRY_HORIZON);
        while (!send(request)) {
            if (Instant.now().isAfter(giveUp)) {
                unexpected.add("no 200 within " + RETRY_HORIZON + " for " + request.name());
                break;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /** One try on the next gateway; true once answered 200. */
    private boolean send(ProducerLedger.Request request) {
        List<String> ids = request.ids();
        int index = Math.floorMod(nextGateway.getAndIncrement(), gateways.size());
        Gateway gateway = gateways.get(index);
        Instant startedAt = Instant.now();
        long sent = System.nanoTime();
        HttpResponse<String> response;
        try {
            response = gateway.post("orders").token(token).json(request.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (IOException e) {
            requests.incrementAndGet();
            unexpected.add("no answer from " + gateway.payara().uri("") + ": " + e);
            return false;
        }
        requests.incrementAndGet();
        Duration took = Duration.ofNanos(System.nanoTime() - sent);
        slowestNanos.accumulateAndGet(took.toNanos(), Math::max);
        attempts.computeIfAbsent(ids.get(0), first -> new ConcurrentLinkedQueue<>())
                .add("gateway " + (char) ('a' + index) + " " + response.statusCode() + " at " + startedAt + " in "
                        + took.toMillis() + " ms");
        if (took.compareTo(NEVER_A_HANG) > 0) {
            unexpected.add(response.statusCode() + " after " + took);
        }
        if (response.statusCode() == 200) {
            acknowledgedAt.add(System.nanoTime());
            if (!ids.equals(Responses.messageIds(response))) {
                unexpected.add("200 with other ids: " + response.body());
            }
            ledger.acknowledged(request);
            return true;
        }
        if (response.statusCode() == 503 && response.headers().firstValue("Retry-After").isPresent()) {
            refused.incrementAndGet();
        } else {
            unexpected.add(response.statusCode() + " " + response.body());
        }
        return false;
    }

    /** The longest stretch between {@code from} (an event) and {@code to} without a 200 answer. */
    private Duration longestWithout200(long from, long to) {
        List<Long> times = new ArrayList<>(acknowledgedAt.stream().filter(t -> t >= from && t <= to).sorted().toList());
        times.add(0, from);
        long longest = 0;
        for (int i = 1; i < times.size(); i++) {
            longest = Math.max(longest, times.get(i) - times.get(i - 1));
        }
        return Duration.ofNanos(longest);
    }

    private void awaitAcknowledged(int more, String what) throws InterruptedException {
        ledger.awaitAcknowledged(more, PHASE_TIMEOUT, what, () -> "; unexpected so far: " + unexpected);
    }

    private Result count(String subscriptionName, List<Duration> failoverGaps, List<Duration> failbackGaps,
            List<Duration> backupActive, List<Duration> failback, List<String> backupExits) throws Exception {
        ProducerLedger.Count count = ledger.readBack(gateways.get(0), "orders", token, ReplicatedPair.clientUrl(),
                subscriptionName);
        List<String> duplicatedRequests = new ArrayList<>();
        for (List<String> ids : ledger.sent().values()) {
            List<String> twice = ids.stream().filter(id -> count.consumed().getOrDefault(id, 0) > 1).toList();
            if (!twice.isEmpty()) {
                duplicatedRequests.add((ids.size() == 1 ? "single " : "batch of " + ids.size() + " ") + twice.size()
                        + " stored twice, tries: " + attempts.get(ids.get(0)));
            }
        }
        return new Result(requests.get(), ledger.acknowledgedRequests(), refused.get(), List.copyOf(unexpected),
                count.acknowledgedMessages(), count.lost(), count.duplicated(), count.partialBatches(), failoverGaps, failbackGaps, backupActive, failback,
                List.copyOf(backupExits), duplicatedRequests, Duration.ofNanos(slowestNanos.get()));
    }
}
