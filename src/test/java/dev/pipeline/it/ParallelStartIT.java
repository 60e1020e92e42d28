package dev.pipeline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Gateways as shipped (pre-boot commands) started side by side while the CPU is busy, as when a
 * replica set is rolled out: every one must serve. Post-boot commands once left about one start in
 * eight logging "ready" with an HTTP listener that never answered ("GrizzlyProxy is NULL"). The
 * build starts {@code starts.instances} (3) at once for {@code starts.rounds} (1) round with
 * {@code starts.spinners} (1) busy threads; {@code bench/starts.sh} runs many more.
 */
class ParallelStartIT {

    private static final Pattern LISTENER_STARTED = Pattern.compile("Network Listener http-listener\\S* started");

    /** How one instance started: whether it served, and what its log said about its HTTP listener. */
    record Start(String instance, boolean served, double seconds, int listenerStarts, boolean grizzlyProxyNull, String failure) {
    }

    @Test
    void everyGatewayStartedSideBySideUnderCpuLoadServes() throws Exception {
        int instances = Integer.getInteger("starts.instances", 3);
        int rounds = Integer.getInteger("starts.rounds", 1);
        int spinners = Integer.getInteger("starts.spinners", 1);
        Path dir = PayaraMicro.instanceDir("parallel-start");
        List<Start> starts = new ArrayList<>();
        try (TestBroker broker = TestBroker.start(PayaraMicro.freePort(), dir.resolve("broker-" + System.nanoTime()), List.of("orders"))) {
            Map<String, String> configuration = Map.of(
                    "pipeline.broker.url", broker.url(),
                    "pipeline.topics.file", TestFiles.write(dir.resolve("topics.json"), """
                            { "topics": [ { "name": "orders", "ttl": "PT1H", "producers": ["orders-writer"] } ] }
                            """).toString(),
                    "mp.jwt.verify.publickey.location", TestTokens.writePublicKey(dir.resolve("publicKey.pem")).toUri().toString(),
                    "mp.jwt.verify.issuer", "https://issuer.pipeline.test");
            for (int round = 1; round <= rounds; round++) {
                starts.addAll(startSideBySide(round, instances, spinners, configuration));
            }
        }
        long served = starts.stream().filter(Start::served).count();
        System.out.printf("STARTS instances=%d rounds=%d spinners=%d started=%d served=%d secondsToServe=%s listenerStarts=%s grizzlyProxyNull=%d%n",
                instances, rounds, spinners, starts.size(), served,
                starts.stream().map(start -> "%.0f".formatted(start.seconds())).toList(),
                starts.stream().map(Start::listenerStarts).distinct().sorted().toList(),
                starts.stream().filter(Start::grizzlyProxyNull).count());
        starts.stream().filter(start -> !start.served()).forEach(start -> System.out.println("STARTS FAILED " + start));
        assertEquals(List.of(), starts.stream().filter(start -> !start.served()).toList(), "every instance serves");
    }

    private static List<Start> startSideBySide(int round, int instances, int spinners, Map<String, String> configuration)
            throws Exception {
        AtomicBoolean spinning = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(instances + spinners);
        try {
            for (int s = 0; s < spinners; s++) {
                pool.submit(() -> {
                    long sink = 0;
                    while (spinning.get()) {
                        sink += System.nanoTime() % 7;
                    }
                    return sink;
                });
            }
            List<Future<Start>> launched = new ArrayList<>();
            for (int i = 1; i <= instances; i++) {
                String instance = "parallel-start-" + round + "-" + i;
                launched.add(pool.submit(() -> start(instance, configuration)));
            }
            List<Start> starts = new ArrayList<>();
            for (Future<Start> start : launched) {
                starts.add(start.get(5, TimeUnit.MINUTES));
            }
            return starts;
        } finally {
            spinning.set(false);
            pool.shutdown();
        }
    }

    /** Launches one instance and waits until it serves (or does not within PayaraMicro's start timeout). */
    private static Start start(String instance, Map<String, String> configuration) throws Exception {
        long launched = System.nanoTime();
        PayaraMicro payara = PayaraMicro.launchConfigured(instance, configuration);
        String failure = null;
        try {
            payara.awaitDeployed("pipeline");
        } catch (RuntimeException e) {
            failure = e.getMessage();
        }
        double seconds = (System.nanoTime() - launched) / 1e9;
        String log = payara.log();
        payara.close();
        return new Start(instance, failure == null, seconds, (int) LISTENER_STARTED.matcher(log).results().count(),
                log.contains("GrizzlyProxy is NULL"), failure == null ? null : failure.substring(0, Math.min(failure.length(), 2000)));
    }
}
