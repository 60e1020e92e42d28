package dev.pipeline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

/**
 * The throughput benchmark of {@code bench/run.sh}, not part of {@code mvn verify} (issue 5): how
 * far the gateway is from what the same Artemis broker takes from a native JMS client. In one run,
 * against one Apache Artemis distribution broker whose topic {@code orders} has the durable
 * subscription {@code orders-audit} (so every message is journaled; a consumer drains it so that
 * the broker never pages), it measures native blocking sends, native transacted batches of 100,
 * gateway JSON singles and gateway JSON batches of 100, all with 1 KB messages and 16 threads, and
 * prints a table, the ratios, Payara's RSS after the run and the machine. Measurement only.
 */
class ThroughputBenchmark {

    private static final int THREADS = 16;
    private static final int BATCH = 100;
    private static final String TOPIC = "orders";
    private static final String PAYLOAD = "x".repeat(1024);
    private static final String JSON_SINGLE = "{\"message\":\"" + PAYLOAD + "\"}";
    private static final String JSON_BATCH = "[" + String.join(",", java.util.Collections.nCopies(BATCH, JSON_SINGLE)) + "]";

    private final Duration warmup = Duration.ofSeconds(Integer.getInteger("bench.warmupSeconds", 60));
    private final Duration measured = Duration.ofSeconds(Integer.getInteger("bench.seconds", 20));

    @Test
    void printsGatewayThroughputAgainstNativeArtemis() throws Exception {
        long startNanos = System.nanoTime();
        try (DistributionBrokerGateway environment = DistributionBrokerGateway.start("bench");
             Drain drain = new Drain(environment.broker().clientUrl())) {
            double startSeconds = (System.nanoTime() - startNanos) / 1e9;
            ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(environment.broker().clientUrl());
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            URI endpoint = environment.payara().uri("/pipeline/topics/" + TOPIC + "/messages");

            print("warming up for %d s: gateway singles (12 threads) and batches (4 threads), then native singles 5 s",
                    warmup.toSeconds());
            run(warmup, index -> index < 12 ? gatewaySender(http, endpoint, JSON_SINGLE, 1)
                    : gatewaySender(http, endpoint, JSON_BATCH, BATCH));
            run(Duration.ofSeconds(5), index -> nativeSender(factory, false));

            String loadBefore = loadAverage();
            List<Row> rows = List.of(
                    measure("native JMS singles (blocking durable send)", index -> nativeSender(factory, false)),
                    measure("native JMS transacted batches of 100", index -> nativeSender(factory, true)),
                    measure("gateway JSON singles", index -> gatewaySender(http, endpoint, JSON_SINGLE, 1)),
                    measure("gateway JSON batches of 100", index -> gatewaySender(http, endpoint, JSON_BATCH, BATCH)));

            print("machine: nproc=%d, memory=%.1f GiB, java.version=%s (%s), environment start %.1f s",
                    Runtime.getRuntime().availableProcessors(), kibibytes("/proc/meminfo", "MemTotal") / 1024.0 / 1024.0,
                    System.getProperty("java.version"), System.getProperty("java.vm.name"), startSeconds);
            print("%d threads, %d s per row after %d s warm-up, 1 KB messages, topic %s with durable subscription orders-audit (drained)",
                    THREADS, measured.toSeconds(), warmup.toSeconds(), TOPIC);
            print("| row | messages/s | requests/s | p50 ms | p99 ms | failed requests |");
            print("|---|---|---|---|---|---|");
            rows.forEach(row -> print("%s", row));
            print("ratio gateway/native singles: %.2f", rows.get(2).messagesPerSecond() / rows.get(0).messagesPerSecond());
            print("ratio gateway/native batches: %.2f", rows.get(3).messagesPerSecond() / rows.get(1).messagesPerSecond());
            print("Payara Micro RSS after the run: %.0f MiB (pid %d)",
                    kibibytes("/proc/" + environment.payara().pid() + "/status", "VmRSS") / 1024.0, environment.payara().pid());
            print("load average (1, 5, 15 min) before the rows: %s; after: %s", loadBefore, loadAverage());
            print("orders-audit drained: %d messages", drain.received.get());
            rows.forEach(row -> {
                if (row.firstFailure() != null) {
                    print("first failure in '%s': %s", row.name(), row.firstFailure());
                }
            });
            factory.close();
            assertEquals(0, rows.stream().mapToLong(Row::failures).sum(), "every request must succeed");
        }
    }

    /** One row of the table; the start is printed with the wall-clock time, to match profiles taken meanwhile. */
    private Row measure(String name, SenderFactory senders) throws Exception {
        print("%s: measuring '%s' for %d s", java.time.LocalTime.now().withNano(0), name, measured.toSeconds());
        return run(measured, senders).named(name);
    }

    /** One thread's way of storing messages: {@link #send()} returns how many it stored, 0 if refused. */
    private interface Sender extends AutoCloseable {
        int send() throws Exception;

        default String lastFailure() {
            return null;
        }

        @Override
        default void close() throws Exception {
        }
    }

    private interface SenderFactory {
        Sender create(int threadIndex) throws Exception;
    }

    private static Sender nativeSender(ActiveMQConnectionFactory factory, boolean transacted) throws Exception {
        Connection connection = factory.createConnection();
        Session session = connection.createSession(transacted, transacted ? Session.SESSION_TRANSACTED : Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = session.createProducer(session.createTopic(TOPIC));
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        return new Sender() {
            @Override
            public int send() throws Exception {
                if (!transacted) {
                    producer.send(session.createTextMessage(JSON_SINGLE));
                    return 1;
                }
                for (int i = 0; i < BATCH; i++) {
                    producer.send(session.createTextMessage(JSON_SINGLE));
                }
                session.commit();
                return BATCH;
            }

            @Override
            public void close() throws Exception {
                connection.close();
            }
        };
    }

    private static Sender gatewaySender(HttpClient http, URI endpoint, String body, int messages) {
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + DistributionBrokerGateway.TOKEN)
                .header("Content-Type", Gateway.JSON)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        return new Sender() {
            private String lastFailure;

            @Override
            public int send() throws Exception {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 == 2) {
                    return messages;
                }
                lastFailure = response.statusCode() + " " + response.body();
                return 0;
            }

            @Override
            public String lastFailure() {
                return lastFailure;
            }
        };
    }

    /** Runs THREADS senders for the duration, each in a closed loop, and measures what they stored. */
    private static Row run(Duration duration, SenderFactory senders) throws Exception {
        AtomicLong messages = new AtomicLong();
        AtomicLong requests = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        long[][] latencies = new long[THREADS][];
        CountDownLatch ready = new CountDownLatch(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        long[] window = new long[2];
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int index = t;
            Thread thread = new Thread(() -> {
                LongList own = new LongList();
                try (Sender sender = senders.create(index)) {
                    ready.countDown();
                    go.await();
                    long deadline = window[1];
                    long now = System.nanoTime();
                    while (now < deadline) {
                        int stored;
                        try {
                            stored = sender.send();
                        } catch (Exception e) {
                            stored = 0;
                            firstFailure.compareAndSet(null, e.toString());
                        }
                        long done = System.nanoTime();
                        own.add(done - now);
                        requests.incrementAndGet();
                        if (stored > 0) {
                            messages.addAndGet(stored);
                        } else {
                            failures.incrementAndGet();
                            firstFailure.compareAndSet(null, sender.lastFailure());
                        }
                        now = done;
                    }
                } catch (Exception e) {
                    firstFailure.compareAndSet(null, "sender failed: " + e);
                    failures.incrementAndGet();
                    ready.countDown();
                }
                latencies[index] = own.toSortedArray();
            }, "bench-" + t);
            thread.start();
            threads.add(thread);
        }
        ready.await();
        window[0] = System.nanoTime();
        window[1] = window[0] + duration.toNanos();
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (Math.max(System.nanoTime(), window[1]) - window[0]) / 1e9;
        long[] all = Arrays.stream(latencies).filter(java.util.Objects::nonNull).flatMapToLong(Arrays::stream).sorted().toArray();
        return new Row("", messages.get() / seconds, requests.get() / seconds,
                percentileMillis(all, 0.50), percentileMillis(all, 0.99), failures.get(), firstFailure.get());
    }

    private static double percentileMillis(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }

    private record Row(String name, double messagesPerSecond, double requestsPerSecond, double p50Millis,
            double p99Millis, long failures, String firstFailure) {

        Row named(String rowName) {
            return new Row(rowName, messagesPerSecond, requestsPerSecond, p50Millis, p99Millis, failures, firstFailure);
        }

        @Override
        public String toString() {
            return String.format("| %s | %,.0f | %,.0f | %.1f | %.1f | %d |",
                    name, messagesPerSecond, requestsPerSecond, p50Millis, p99Millis, failures);
        }
    }

    /** Reads the durable subscription orders-audit as fast as it can, so the broker never pages. */
    private static final class Drain implements AutoCloseable {

        private final AtomicLong received = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final ActiveMQConnectionFactory factory;
        private final Connection connection;
        private final Thread thread;

        Drain(String brokerUrl) throws Exception {
            factory = new ActiveMQConnectionFactory(brokerUrl);
            connection = factory.createConnection();
            Session session = connection.createSession(false, Session.DUPS_OK_ACKNOWLEDGE);
            MessageConsumer consumer = session.createSharedDurableConsumer(session.createTopic(TOPIC), "orders-audit");
            connection.start();
            thread = new Thread(() -> {
                while (running.get()) {
                    try {
                        if (consumer.receive(200) instanceof TextMessage) {
                            received.incrementAndGet();
                        }
                    } catch (Exception e) {
                        return;
                    }
                }
            }, "bench-drain");
            thread.start();
        }

        @Override
        public void close() throws Exception {
            running.set(false);
            thread.join();
            connection.close();
            factory.close();
        }
    }

    /** A growable array of longs, so that recording a latency does not box it. */
    private static final class LongList {
        private long[] values = new long[1 << 14];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        long[] toSortedArray() {
            long[] sorted = Arrays.copyOf(values, size);
            Arrays.sort(sorted);
            return sorted;
        }
    }

    /** A "Key:   123 kB" line of a /proc file, in KiB; -1 if absent. */
    private static long kibibytes(String file, String key) throws java.io.IOException {
        return Files.readAllLines(Path.of(file)).stream().filter(line -> line.startsWith(key + ":"))
                .map(line -> line.substring(key.length() + 1).replace("kB", "").trim())
                .mapToLong(Long::parseLong).findFirst().orElse(-1);
    }

    /** The machine is shared: the load average says how much else was running. */
    private static String loadAverage() throws java.io.IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    private static void print(String format, Object... args) {
        System.out.println("BENCH " + String.format(format, args));
    }
}
