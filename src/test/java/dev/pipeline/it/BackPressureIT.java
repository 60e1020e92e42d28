package dev.pipeline.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, the contract's "Back-pressure": the bytes of requests not yet answered are bounded,
 * per topic and in all, and a topic whose broker address blocks holds only its own share. The
 * gateway as shipped with {@code -Xmx768m} on an Apache Artemis distribution broker where topic
 * {@code jam} is limited to 256 KB under address-full-policy BLOCK, with a subscription nobody reads
 * while jammed; producers send 2 MB batches and retry at once on anything but 200 while
 * {@code orders} and {@code clicks} get their everyday traffic. Half the batches are of ordinary
 * messages, which can never be stored on {@code jam} (Artemis counts an open transaction's messages
 * towards the address's size, and nobody sees them before the commit): the gateway must give them
 * up without wedging the topic. The other half are of large messages, which fit once jam drains.
 * The same bound with the broker frozen (SIGSTOP). Each test starts its own gateway and runs
 * {@code backpressure.producers} (48) producers for {@code backpressure.jamSeconds} (20) or
 * {@code backpressure.freezeSeconds} (10): short for the build, minutes for a soak.
 */
class BackPressureIT extends StockPayaraTest {

    private static final String INSTANCE = "backpressure";
    private static final String TOKEN = TestTokens.serviceToken("orders-writer").sign();
    private static final List<String> BULK_TOPICS = List.of("bulk-a", "bulk-b", "bulk-c");
    private static final String CATALOGUE = """
            { "topics": [ { "name": "orders", "ttl": "PT1H", "producers": ["orders-writer"] },
                          { "name": "clicks", "ttl": "PT10M", "producers": ["orders-writer"] },
                          { "name": "jam", "ttl": "PT1H", "producers": ["orders-writer"] },
                          { "name": "bulk-a", "ttl": "PT1H", "producers": ["orders-writer"] },
                          { "name": "bulk-b", "ttl": "PT1H", "producers": ["orders-writer"] },
                          { "name": "bulk-c", "ttl": "PT1H", "producers": ["orders-writer"] } ] }
            """;
    /** Issue 16's jammed address: 256 KB under BLOCK (the Artemis default policy is PAGE, as for the other topics). */
    private static final String JAM_ADDRESS = """
            <address-setting match="jam">
               <max-size-bytes>262144</max-size-bytes>
               <address-full-policy>BLOCK</address-full-policy>
            </address-setting>
            """;

    private static final long MIB = 1024 * 1024;
    /** {@code pipeline.publish.max-pending-bytes}: less than three topics' shares, so that the bulk topics meet it. */
    private static final long MAX_PENDING_BYTES = 64 * MIB;
    /** {@code pipeline.publish.max-pending-bytes-per-topic}: twelve 2 MB batches. */
    private static final long MAX_PENDING_BYTES_PER_TOPIC = 24 * MIB;
    private static final String HEAP = "-Xmx768m";
    private static final long HEAP_BYTES = 768 * MIB;
    /**
     * The gateway counts the heap a request holds as it estimates it (4 per body byte while reading, 3
     * per encoded byte after), not what the container holds before the WAR reads a body. The live heap
     * after a full collection may exceed the idle gateway's by at most this many times the bound
     * ({@code backpressure.heapPerPendingByte}, 2.5; measured: 1.3 jammed, 1.6-1.8 with the broker frozen).
     */
    private static final double HEAP_PER_PENDING_BYTE = Double.parseDouble(System.getProperty("backpressure.heapPerPendingByte", "2.5"));

    private static final int PRODUCERS = Integer.getInteger("backpressure.producers", 48);
    private static final Duration JAM = Duration.ofSeconds(Long.getLong("backpressure.jamSeconds", 20));
    private static final Duration FREEZE = Duration.ofSeconds(Long.getLong("backpressure.freezeSeconds", 10));
    /** The load on a working broker before it is frozen (how many batches it stored then is reported, not asserted). */
    private static final Duration FLOWING = Duration.ofSeconds(8);
    private static final Duration HEAP_SAMPLED_EVERY = Duration.ofSeconds(8);
    /** The test's HTTP client gives up after this: an unanswered request is a failure, never a wait. */
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(15);
    /** Other topics' answers while one topic is jammed: as if it were not there. */
    private static final Duration OTHER_TOPICS_ANSWERED_WITHIN = Duration.ofSeconds(1);
    /** The gateway answers every request within 8 s (server-config/README.md, "When things go wrong"); the rest is slack for a loaded machine. */
    private static final Duration REFUSED_WITHIN = Duration.ofSeconds(10);
    private static final Duration JAM_ACCEPTS_AGAIN_WITHIN = Duration.ofSeconds(15);
    private static final Duration RECOVERS_WITHIN = Duration.ofSeconds(15);
    private static final Duration PENDING_BATCHES_STORED_WITHIN = Duration.ofSeconds(30);
    private static final Duration READ_BACK_WITHIN = Duration.ofSeconds(60);

    private static ArtemisProcess broker;

    private final String runTag = "bp" + UUID.randomUUID().toString().substring(0, 8);
    private final DeliveryLedger ledger = new DeliveryLedger();
    private final Map<String, DurableSubscription> subscriptions = new LinkedHashMap<>();
    private StockGateway gateway;
    /** The gateway's server, whose log is read after the gateway may have been stopped. */
    private PayaraMicro payara;
    private GatewayHeap heap;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = ArtemisProcess.create(PayaraMicro.instanceDir(INSTANCE).resolve("broker"), JAM_ADDRESS);
        broker.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    /** Every topic's subscription, nobody reading them yet, then the gateway. */
    @BeforeEach
    void startGateway() throws Exception {
        for (String topic : List.of("orders", "clicks", "jam", "bulk-a", "bulk-b", "bulk-c")) {
            subscriptions.put(topic, DurableSubscription.create(broker.clientUrl(), topic));
        }
        Path dir = PayaraMicro.instanceDir(INSTANCE);
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("pipeline.broker.url", broker.url());
        properties.put("pipeline.broker.user", ArtemisProcess.USER);
        properties.put("pipeline.broker.password", ArtemisProcess.PASSWORD);
        properties.put("pipeline.topics.file", TestFiles.write(dir.resolve("topics.json"), CATALOGUE).toString());
        properties.put("mp.jwt.verify.publickey.location", TestTokens.writePublicKey(dir.resolve("publicKey.pem")).toUri().toString());
        properties.put("mp.jwt.verify.issuer", TestTokens.ISSUER);
        properties.put("pipeline.publish.max-pending-bytes", Long.toString(MAX_PENDING_BYTES));
        properties.put("pipeline.publish.max-pending-bytes-per-topic", Long.toString(MAX_PENDING_BYTES_PER_TOPIC));
        // PayaraMicro launches with -Xmx512m; _JAVA_OPTIONS comes after the command line and wins.
        Map<String, String> environment = Map.of("_JAVA_OPTIONS", HEAP, "MALLOC_ARENA_MAX", "2");
        gateway = StockGateway.launch(containers, deployer, INSTANCE, Map.of(
                "systemProperties", PayaraMicroConfiguration.lines(properties),
                "environment", PayaraMicroConfiguration.lines(environment),
                "shipped", "true"));
        gateway.deploy();
        payara = gateway.payara();
        heap = new GatewayHeap(payara.pid());
        assertEquals(HEAP_BYTES, heap.maxBytes(), "the gateway runs with " + HEAP);
    }

    @AfterEach
    void stopGateway() throws Exception {
        try {
            if (gateway != null) {
                gateway.close();
            }
        } finally {
            for (DurableSubscription subscription : subscriptions.values()) {
                subscription.close();
            }
        }
    }

    @Test
    void aBlockedTopicHoldsOnlyItsOwnShareTheHeapStaysBoundedAndAllRecoversOnceItDrains() throws Exception {
        subscriptions.get("orders").drain();
        subscriptions.get("clicks").drain();
        warmUp(List.of("orders", "clicks", "jam"));
        GatewayHeap.Sample baseline = baseline();
        long heapBound = baseline.usedBytes() + (long) (HEAP_PER_PENDING_BYTE * MAX_PENDING_BYTES);

        AnswerTally jammed = new AnswerTally(CLIENT_TIMEOUT);
        AnswerTally drained = new AnswerTally(CLIENT_TIMEOUT);
        BatchProducers producers = new BatchProducers(PRODUCERS, List.of("jam"), runTag, ledger, port(), TOKEN, CLIENT_TIMEOUT);
        List<GatewayHeap.Sample> samples = new ArrayList<>();
        List<String> stillPending;
        Duration jamAcceptedAfter;
        long rss;
        TopicProbes probes = new TopicProbes(port(), TOKEN, CLIENT_TIMEOUT, ledger, runTag);
        try {
            probes.phase("jammed");
            probes.start();
            producers.start(jammed);
            samples.addAll(sampleHeapFor(JAM));
            rss = heap.rssBytes();
            producers.stop();

            probes.phase("draining");
            subscriptions.get("jam").drain();
            jamAcceptedAfter = firstStored("jam", 3, JAM_ACCEPTS_AGAIN_WITHIN, drained);
            probes.phase("drained");
            // Batches of ordinary messages never fit a 256 KB address under BLOCK; large messages do.
            stillPending = producers.finishPending(drained, true, PENDING_BATCHES_STORED_WITHIN);
            samples.add(heap.afterFullGc());
        } finally {
            producers.stop();
            probes.close();
        }
        ReadBack readBack = readBack(List.of("orders", "clicks", "jam"));
        DeliveryLedger.Check check = ledger.check(readBack.received());
        // Once everything is read and the gateway's sessions are gone, nothing may stay counted on jam:
        // a send the broker routed after its session closed stayed counted until a broker restart.
        String jamAfterReadBack = broker.describeAddress("jam");
        gateway.close();
        gateway = null;
        long jamSizeAfterGateway = broker.addressSize("jam");
        String jamAddress = "jam after the read-back: " + jamAfterReadBack + "; its size after the gateway stopped "
                + jamSizeAfterGateway + " B";

        List<TopicProbes.Probe> slowOrFailed = probes.probes().stream()
                .filter(p -> !p.answer().stored() || p.tookBesides(samples).compareTo(OTHER_TOPICS_ANSWERED_WITHIN) > 0).toList();
        String summary = summary(Map.of("jammed", jammed, "drained", drained), probes.probes(), baseline, heapBound, samples, check)
                + " jamAcceptedAfter=" + (jamAcceptedAfter == null ? "never" : jamAcceptedAfter.toMillis() + " ms")
                + " largeBatchesStillPending=" + stillPending.size() + " gatewayRssAtEndOfJam=" + GatewayHeap.mebibytes(rss)
                + "; " + jamAddress;
        System.out.println("BACKPRESSURE jam " + summary);

        Duration accepted = jamAcceptedAfter;
        assertAll("a blocked topic (" + summary + ")",
                () -> assertTrue(jammed.count("jam", "503") > 0,
                        "the scenario needs jam to block: no 503 on jam in " + JAM.toSeconds() + " s; answers: " + jammed),
                () -> assertEquals(0, jammed.unexpected(), "jam answers only 200 or 503 with Retry-After, within "
                        + CLIENT_TIMEOUT.toSeconds() + " s, while jammed: " + jammed + "; e.g. " + jammed.examples()),
                () -> assertEquals(List.of(), describe(slowOrFailed), "orders and clicks answer 200 within "
                        + OTHER_TOPICS_ANSWERED_WITHIN.toMillis() + " ms throughout (less the full GCs the test forced) ("
                        + slowOrFailed.size() + " of " + probes.probes().size() + ")"),
                () -> assertHeapBounded(baseline, heapBound, samples),
                () -> assertTrue(accepted != null, "jam stores a small batch within " + JAM_ACCEPTS_AGAIN_WITHIN.toSeconds()
                        + " s of its subscription being drained (Artemis counts the messages of an open transaction towards the"
                        + " address's size: a batch the gateway still holds open on jam keeps it full); answers: " + drained
                        + "; e.g. " + drained.examples()),
                () -> assertEquals(0, drained.unexpected(), "once drained, jam answers only 200 or 503 with Retry-After: "
                        + drained + "; e.g. " + drained.examples()),
                () -> assertEquals(List.of(), stillPending, "every retried large-message batch is stored within "
                        + PENDING_BATCHES_STORED_WITHIN.toSeconds() + " s of the drain"),
                () -> assertEquals(0, jamSizeAfterGateway, "nothing stays counted on jam's address once it is read and the"
                        + " gateway's sessions are closed (" + jamAddress + ")"),
                () -> assertEquals(List.of(), readBack.problems(), "every topic is read back to its closing marker"),
                () -> assertTrue(check.clean(), "nothing lost, stored twice or stored in part: " + check),
                this::assertNoOutOfMemoryError);
    }

    @Test
    void aFrozenBrokerGets503WithRetryAfterWithinSecondsTheHeapStaysBoundedAndTheServiceRecoversOnThaw() throws Exception {
        List<String> topics = new ArrayList<>(BULK_TOPICS);
        topics.addAll(List.of("orders", "clicks"));
        topics.forEach(topic -> subscriptions.get(topic).drain());
        warmUp(topics);
        GatewayHeap.Sample baseline = baseline();
        long heapBound = baseline.usedBytes() + (long) (HEAP_PER_PENDING_BYTE * MAX_PENDING_BYTES);

        // Before the freeze the broker stores at its pace: a 200 may take as long as the client waits.
        AnswerTally flowing = new AnswerTally(CLIENT_TIMEOUT);
        AnswerTally frozen = new AnswerTally(REFUSED_WITHIN);
        AnswerTally thawed = new AnswerTally(CLIENT_TIMEOUT);
        BatchProducers producers = new BatchProducers(PRODUCERS, BULK_TOPICS, runTag, ledger, port(), TOKEN, CLIENT_TIMEOUT);
        List<GatewayHeap.Sample> samples = new ArrayList<>();
        List<String> stillPending;
        Duration recoveredAfter;
        int storedBeforeFreeze;
        long rss;
        TopicProbes probes = new TopicProbes(port(), TOKEN, CLIENT_TIMEOUT, ledger, runTag);
        try {
            probes.phase("flowing");
            probes.start();
            producers.start(flowing);
            waitUntil(Instant.now().plus(FLOWING));
            storedBeforeFreeze = producers.acknowledged();

            broker.freeze();
            try {
                probes.phase("frozen");
                producers.recordIn(frozen);
                samples.addAll(sampleHeapFor(FREEZE));
                rss = heap.rssBytes();
            } finally {
                broker.thaw();
            }
            probes.phase("thawed");
            producers.recordIn(thawed);
            recoveredAfter = firstStored("orders", 3, RECOVERS_WITHIN, thawed);
            producers.stop();
            stillPending = producers.finishPending(thawed, false, PENDING_BATCHES_STORED_WITHIN);
        } finally {
            producers.stop();
            probes.close();
        }
        ReadBack readBack = readBack(topics);
        DeliveryLedger.Check check = ledger.check(readBack.received());

        List<TopicProbes.Probe> unexpected = probes.probes().stream()
                .filter(p -> !(p.answer().stored() || p.answer().refusedWithRetryAfter())
                        || p.tookBesides(samples).compareTo(REFUSED_WITHIN) > 0).toList();
        String summary = summary(Map.of("flowing", flowing, "frozen", frozen, "thawed", thawed), probes.probes(), baseline,
                heapBound, samples, check)
                + " recoveredAfter=" + (recoveredAfter == null ? "never" : recoveredAfter.toMillis() + " ms")
                + " batchesStoredBeforeFreeze=" + storedBeforeFreeze + " batchesStillPending=" + stillPending.size()
                + " gatewayRssWhileFrozen=" + GatewayHeap.mebibytes(rss);
        System.out.println("BACKPRESSURE frozen " + summary);

        Duration recovered = recoveredAfter;
        assertAll("a frozen broker (" + summary + ")",
                () -> assertTrue(BULK_TOPICS.stream().mapToInt(topic -> frozen.count(topic, "503")).sum() > 0,
                        "the bulk topics get 503 while the broker is frozen: " + frozen),
                () -> assertEquals(0, frozen.unexpected() + flowing.unexpected() + thawed.unexpected(),
                        "only 200 or 503 with Retry-After, within " + CLIENT_TIMEOUT.toSeconds() + " s, and within "
                                + REFUSED_WITHIN.toSeconds() + " s while frozen: flowing " + flowing
                                + "; e.g. " + flowing.examples() + "; frozen " + frozen + "; e.g. " + frozen.examples()
                                + "; thawed " + thawed + "; e.g. " + thawed.examples()),
                () -> assertEquals(List.of(), describe(unexpected), "orders and clicks get 200, or 503 with Retry-After within "
                        + REFUSED_WITHIN.toSeconds() + " s"),
                () -> assertHeapBounded(baseline, heapBound, samples),
                () -> assertTrue(recovered != null, "orders stores a batch within " + RECOVERS_WITHIN.toSeconds()
                        + " s of the thaw, by itself"),
                () -> assertEquals(List.of(), stillPending, "every retried batch is stored within "
                        + PENDING_BATCHES_STORED_WITHIN.toSeconds() + " s of the thaw"),
                () -> assertEquals(List.of(), readBack.problems(), "every topic is read back to its closing marker"),
                () -> assertTrue(check.clean(), "nothing lost, stored twice or stored in part: " + check),
                this::assertNoOutOfMemoryError);
    }

    private int port() {
        return gateway.payara().port();
    }

    /** A request to each topic answered 200, so that the baseline heap has every topic's path loaded. */
    private void warmUp(List<String> topics) throws Exception {
        AnswerTally warmUp = new AnswerTally(CLIENT_TIMEOUT);
        for (String topic : topics) {
            assertTrue(firstStored(topic, 3, RECOVERS_WITHIN, warmUp) != null,
                    "before the load, " + topic + " stores a batch within " + RECOVERS_WITHIN.toSeconds() + " s: " + warmUp
                            + "; e.g. " + warmUp.examples());
        }
    }

    private GatewayHeap.Sample baseline() throws InterruptedException {
        GatewayHeap.Sample baseline = heap.afterFullGc();
        assertTrue(!baseline.failed(), "the idle gateway's heap after a full GC: " + baseline);
        return baseline;
    }

    /** Samples the heap after a full GC every {@link #HEAP_SAMPLED_EVERY} while the load runs for {@code duration}. */
    private List<GatewayHeap.Sample> sampleHeapFor(Duration duration) throws InterruptedException {
        List<GatewayHeap.Sample> samples = new ArrayList<>();
        Instant end = Instant.now().plus(duration);
        Duration every = duration.compareTo(HEAP_SAMPLED_EVERY.multipliedBy(2)) < 0 ? duration.dividedBy(3) : HEAP_SAMPLED_EVERY;
        for (Instant next = Instant.now().plus(every); next.isBefore(end); next = next.plus(every)) {
            waitUntil(next);
            GatewayHeap.Sample sample = heap.afterFullGc();
            samples.add(sample);
            if (sample.failed()) {
                break;
            }
        }
        waitUntil(end);
        return samples;
    }

    /** The load's pace, not a synchronisation: the load runs until then. */
    private static void waitUntil(Instant instant) throws InterruptedException {
        long millis = Duration.between(Instant.now(), instant).toMillis();
        if (millis > 0) {
            TimeUnit.MILLISECONDS.sleep(millis);
        }
    }

    /**
     * Sends a new batch of {@code messages} small messages to the topic until one is answered 200,
     * for at most {@code within}; returns how long that took, or null if none was.
     */
    private Duration firstStored(String topic, int messages, Duration within, AnswerTally tally) throws InterruptedException {
        Instant start = Instant.now();
        Instant deadline = start.plus(within);
        while (Instant.now().isBefore(deadline)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < messages; i++) {
                ids.add(runTag + "-" + topic + "-" + UUID.randomUUID());
            }
            ledger.sent(ids);
            try (ProduceConnection connection = new ProduceConnection(port(), TOKEN, CLIENT_TIMEOUT)) {
                ProduceConnection.Answer answer = connection.post(topic, batch(ids), false);
                tally.record(topic, answer);
                if (answer.stored()) {
                    ledger.acknowledged(ids);
                    return Duration.between(start, Instant.now());
                }
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return null;
    }

    private static byte[] batch(List<String> ids) {
        return ids.stream().map(id -> "{\"messageId\":\"" + id + "\",\"message\":\"small\"}")
                .collect(Collectors.joining(",", "[", "]")).getBytes(StandardCharsets.UTF_8);
    }

    /** What the subscriptions read, and why a topic could not be read to its end. */
    private record ReadBack(Map<String, Integer> received, List<String> problems) {
    }

    /** A marker through each topic, then everything its subscription has read up to the marker. */
    private ReadBack readBack(List<String> topics) throws InterruptedException {
        Map<String, String> markers = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String topic : topics) {
            String marker = runTag + "-marker-" + topic;
            try (ProduceConnection connection = new ProduceConnection(port(), TOKEN, CLIENT_TIMEOUT)) {
                ProduceConnection.Answer answer = connection.post(topic,
                        ("{\"messageId\":\"" + marker + "\",\"message\":\"end\"}").getBytes(StandardCharsets.UTF_8), false);
                if (answer.stored()) {
                    markers.put(topic, marker);
                } else {
                    problems.add("the closing marker to " + topic + " was not stored, so " + topic
                            + " is read back only as far as it got (lost counts may include messages still on their way): " + answer);
                }
            }
        }
        Map<String, Integer> received = new HashMap<>();
        for (String topic : topics) {
            DurableSubscription subscription = subscriptions.get(topic);
            if (markers.containsKey(topic)) {
                try {
                    subscription.awaitReceived(markers.get(topic), READ_BACK_WITHIN);
                } catch (AssertionError e) {
                    problems.add(e.getMessage());
                }
            }
            subscription.received().forEach((id, times) -> received.merge(id, times, Integer::sum));
        }
        return new ReadBack(received, problems);
    }

    private static void assertHeapBounded(GatewayHeap.Sample baseline, long bound, List<GatewayHeap.Sample> samples) {
        List<String> over = samples.stream().filter(s -> s.failed() || s.usedBytes() > bound).map(Object::toString).toList();
        assertTrue(over.isEmpty() && !samples.isEmpty(), "the heap after a full GC stays under " + GatewayHeap.mebibytes(bound)
                + " (idle " + GatewayHeap.mebibytes(baseline.usedBytes()) + " + " + HEAP_PER_PENDING_BYTE + " × max-pending-bytes "
                + GatewayHeap.mebibytes(MAX_PENDING_BYTES) + "); samples " + samples + ", over or failed: " + over);
    }

    private void assertNoOutOfMemoryError() throws Exception {
        String log = payara.log();
        int at = log.indexOf("OutOfMemoryError");
        assertTrue(at < 0, () -> "the gateway ran out of memory: "
                + log.substring(Math.max(0, at - 200), Math.min(log.length(), at + 300)).replace('\n', ' '));
    }

    private static List<String> describe(List<TopicProbes.Probe> probes) {
        // Failures first, then the slow.
        List<String> described = probes.stream().sorted(Comparator.comparing(p -> p.answer().stored())).limit(10)
                .map(Object::toString).collect(Collectors.toCollection(ArrayList::new));
        if (probes.size() > 10) {
            described.add("and " + (probes.size() - 10) + " more");
        }
        return described;
    }

    private static String summary(Map<String, AnswerTally> phases, List<TopicProbes.Probe> probes, GatewayHeap.Sample baseline,
            long heapBound, List<GatewayHeap.Sample> samples, DeliveryLedger.Check check) {
        Map<String, List<TopicProbes.Probe>> byPhase = probes.stream().collect(Collectors.groupingBy(TopicProbes.Probe::phase));
        StringBuilder text = new StringBuilder();
        phases.forEach((phase, tally) -> text.append(phase).append(": [").append(tally).append("] "));
        byPhase.forEach((phase, list) -> text.append("probes ").append(phase).append(": ")
                .append(list.stream().collect(Collectors.groupingBy(p -> p.topic() + " " + p.answer().kind(), Collectors.counting())))
                .append(" slowest ").append(list.stream().mapToLong(p -> p.answer().took().toMillis()).max().orElse(0)).append(" ms; "));
        text.append("heap idle ").append(GatewayHeap.mebibytes(baseline.usedBytes())).append(", bound ")
                .append(GatewayHeap.mebibytes(heapBound)).append(", samples ").append(samples).append("; read back: ").append(check);
        return text.toString();
    }
}
