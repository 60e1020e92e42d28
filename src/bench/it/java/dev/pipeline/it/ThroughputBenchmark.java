package dev.pipeline.it;

import static dev.pipeline.it.BenchOutput.clock;
import static dev.pipeline.it.BenchOutput.loadAverage;
import static dev.pipeline.it.BenchOutput.mebibytes;
import static dev.pipeline.it.BenchOutput.print;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The benchmark of {@code bench/run.sh}, not part of {@code mvn verify} (issue 5): how far the
 * gateway is from what the same broker takes from a native JMS client, and from what Payara Micro
 * with the token check serves without a broker (the HTTP floor). In one run against one
 * {@link BenchEnvironment}, every row runs once per round, 16 threads in closed loops, each
 * starting once the subscription's backlog is read, and the table shows each row's median with
 * the rounds' figures; then the gateway's JSON singles are
 * offered at half their median maximum rate, open loop, for latency percentiles. Measurement only:
 * it fails only if a request failed.
 */
class ThroughputBenchmark {

    static final int THREADS = 16;
    private static final String NATIVE_SINGLES = "native JMS singles (blocking durable send)";
    private static final String NATIVE_BATCHES = "native JMS transacted batches of 100";
    private static final String NATIVE_GATEWAY_SINGLES = "native JMS singles, the gateway's messages (envelope, properties, duplicate id)";
    private static final String NATIVE_GATEWAY_BATCHES = "native JMS transacted batches of 100, the gateway's messages";
    private static final String FLOOR = "HTTP floor (token check, body read, no broker)";
    private static final String JSON_SINGLES = "gateway JSON singles";
    private static final String SCHEMA_SINGLES = "gateway JSON singles, schema-validated order";
    private static final String PROTOBUF_SINGLES = "gateway protobuf singles";
    private static final String JSON_BATCHES = "gateway JSON batches of 100";

    private final Duration warmup = Duration.ofSeconds(Integer.getInteger("bench.warmupSeconds", 180));
    private final Duration perRow = Duration.ofSeconds(Integer.getInteger("bench.seconds", 15));
    private final int rounds = Integer.getInteger("bench.rounds", 3);
    private final Duration latencyRun = Duration.ofSeconds(Integer.getInteger("bench.latencySeconds", 30));

    @Test
    void printsGatewayThroughputAgainstNativeArtemisAndTheHttpFloor() throws Exception {
        try (BenchEnvironment bench = BenchEnvironment.start()) {
            warmUp(bench);
            String loadBefore = loadAverage();
            ResultTable table = new ResultTable();
            Map<String, Sender.Factory> rows = rows(bench);
            Map<String, List<PublishGroups>> groups = new LinkedHashMap<>();
            for (int round = 1; round <= rounds; round++) {
                for (Map.Entry<String, Sender.Factory> row : rows.entrySet()) {
                    double drained = awaitDrained(bench);
                    print("%s: round %d, measuring '%s' for %d s (orders-audit drained after %.1f s)", clock(), round,
                            row.getKey(), perRow.toSeconds(), drained);
                    PublishGroups before = bench.publishGroups();
                    table.add(row.getKey(), ClosedLoad.run(perRow, THREADS, row.getValue()));
                    if (row.getKey().equals(JSON_SINGLES) || row.getKey().equals(PROTOBUF_SINGLES)) {
                        groups.computeIfAbsent(row.getKey(), name -> new ArrayList<>()).add(bench.publishGroups().since(before));
                    }
                }
            }
            double rate = table.median(JSON_SINGLES, Throughput::requestsPerSecond) / 2;
            double drained = awaitDrained(bench);
            print("%s: offering gateway JSON singles at %.0f requests/s for %d s (orders-audit drained after %.1f s)",
                    clock(), rate, latencyRun.toSeconds(), drained);
            FixedRateLoad.Result latency = FixedRateLoad.run(bench.http(), bench.jsonSingle(), rate, latencyRun);
            ServiceMemory memory = bench.payaraMemory();
            long heapAfterGc = memory.heapAfterGcKibibytes();
            long rss = memory.rssKibibytes();

            print("machine: %s", BenchOutput.machine());
            print("Payara Micro %s as shipped (pre-boot commands, system.properties, -Xmx512m, environment %s), WAR built with -Pbench; "
                    + "Artemis distribution, topic orders with durable subscription orders-audit (drained)",
                    System.getProperty("payara.version", "?"), DistributionBrokerGateway.environment());
            print("%d threads (HTTP: %d keep-alive connections), 1 KB messages, %d rounds of %d s per row after %d s warm-up",
                    THREADS, THREADS, rounds, perRow.toSeconds(), warmup.toSeconds());
            table.printTable();
            table.printRatio(JSON_SINGLES, NATIVE_GATEWAY_SINGLES);
            table.printRatio(PROTOBUF_SINGLES, NATIVE_GATEWAY_SINGLES);
            table.printRatio(JSON_BATCHES, NATIVE_GATEWAY_BATCHES);
            table.printRatio(JSON_SINGLES, NATIVE_SINGLES);
            table.printRatio(PROTOBUF_SINGLES, NATIVE_SINGLES);
            table.printRatio(JSON_BATCHES, NATIVE_BATCHES);
            table.printRatio(JSON_SINGLES, FLOOR);
            table.printRatio(SCHEMA_SINGLES, JSON_SINGLES);
            table.printRatio(PROTOBUF_SINGLES, FLOOR);
            groups.forEach(ThroughputBenchmark::printGroups);
            printLatency(latency);
            print("startup: %.1f s from launching Payara Micro to /health/ready 200 (broker already up)", bench.startupSeconds());
            print("Payara Micro after the run (pid %d): RSS %.0f MiB, heap after GC %.0f MiB",
                    bench.payaraPid(), mebibytes(rss), mebibytes(heapAfterGc));
            print("load average (1, 5, 15 min) before the rows: %s; after: %s", loadBefore, loadAverage());
            print("orders-audit drained: %,d messages%s", bench.drain().received(),
                    bench.drain().failure() == null ? "" : "; the drain stopped: " + bench.drain().failure());
            table.printFirstFailures();
            if (latency.firstFailure() != null) {
                print("first failure at the fixed rate: %s", latency.firstFailure());
            }
            assertEquals(0, table.failures() + latency.failures(), "every request must succeed");
        }
    }

    private static Map<String, Sender.Factory> rows(BenchEnvironment bench) {
        Map<String, Sender.Factory> rows = new LinkedHashMap<>();
        rows.put(NATIVE_SINGLES, bench.nativeSingles());
        rows.put(NATIVE_BATCHES, bench.nativeBatches());
        rows.put(NATIVE_GATEWAY_SINGLES, bench.nativeGatewaySingles());
        rows.put(NATIVE_GATEWAY_BATCHES, bench.nativeGatewayBatches());
        rows.put(FLOOR, bench.floor());
        rows.put(JSON_SINGLES, bench.jsonSingles());
        rows.put(SCHEMA_SINGLES, bench.schemaSingles());
        rows.put(PROTOBUF_SINGLES, bench.protobufSingles());
        rows.put(JSON_BATCHES, bench.jsonBatches());
        return rows;
    }

    /** Payara's JIT needs load on every path before its figures settle; the broker and client too. */
    private void warmUp(BenchEnvironment bench) throws Exception {
        print("warming up for %d s: gateway JSON singles, schema-validated singles, protobuf singles, JSON batches and the floor "
                + "at once; then native singles and batches 5 s", warmup.toSeconds());
        Sender.Factory json = bench.jsonSingles();
        Sender.Factory schema = bench.schemaSingles();
        Sender.Factory protobuf = bench.protobufSingles();
        Sender.Factory batches = bench.jsonBatches();
        Sender.Factory floor = bench.floor();
        ClosedLoad.run(warmup, THREADS, thread -> switch (thread % 5) {
            case 0 -> json.create(thread);
            case 1 -> schema.create(thread);
            case 2 -> protobuf.create(thread);
            case 3 -> batches.create(thread);
            default -> floor.create(thread);
        });
        Sender.Factory nativeSingles = bench.nativeGatewaySingles();
        Sender.Factory nativeBatches = bench.nativeGatewayBatches();
        ClosedLoad.run(Duration.ofSeconds(5), THREADS,
                thread -> thread % 2 == 0 ? nativeSingles.create(thread) : nativeBatches.create(thread));
    }

    /** Seconds until the backlog of the row before is read, so that no row pays for another. */
    private static double awaitDrained(BenchEnvironment bench) throws InterruptedException {
        return bench.drain().awaitCaughtUp(Duration.ofMillis(500), Duration.ofMinutes(2)).toNanos() / 1e9;
    }

    /** Singles per broker transaction (the lanes' group commit), from the gateway's metrics before and after each round of the row. */
    private static void printGroups(String row, List<PublishGroups> rounds) {
        PublishGroups all = rounds.stream().reduce(new PublishGroups(0, 0),
                (sum, round) -> new PublishGroups(sum.transactions() + round.transactions(), sum.messages() + round.messages()));
        print("messages per transaction, %s: %.2f (%,.0f messages in %,.0f transactions; per round: %s)", row, all.meanSize(),
                all.messages(), all.transactions(),
                rounds.stream().map(round -> String.format("%.2f", round.meanSize())).collect(Collectors.joining(" / ")));
    }

    private static void printLatency(FixedRateLoad.Result latency) {
        print("| fixed rate, gateway JSON singles | offered requests/s | p50 ms | p99 ms | p99.9 ms | max ms | requests | failed requests |");
        print("|---|---|---|---|---|---|---|---|");
        print("| %d s, open loop (latency from the due time) | %,.0f | %.1f | %.1f | %.1f | %.1f | %,d | %d |",
                latency.duration().toSeconds(), latency.rate(), latency.p50Millis(), latency.p99Millis(), latency.p999Millis(),
                latency.maxMillis(), latency.requests(), latency.failures());
        print("fixed-rate generator: at most %.1f ms late sending a request", latency.maxLagMillis());
    }
}
