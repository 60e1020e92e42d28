package dev.pipeline.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Producers that each send 2 MB JSON batches, the contract's largest, and retry at once with the
 * same messageIds on anything but 200, as an impatient client does; after a 200 the next batch
 * carries new ids. Each body is built once and its ids rewritten in place. Every second producer
 * sends 20 messages of ~200 KB on the wire (Artemis sends them as large messages, whose bodies
 * hardly count towards an address's size), the others 48 messages of ~84 KB (ordinary messages,
 * counted in full: such a batch never fits a 256 KB address under BLOCK, whose subscribers cannot
 * see it before it commits). Every second pair offers its body with {@code Expect: 100-continue},
 * as curl does for bodies over 1 MB.
 */
final class BatchProducers {

    /** The body limit of a batch (2 MB). */
    static final int BATCH_LIMIT = 2 * 1024 * 1024;

    private final List<Producer> producers = new ArrayList<>();
    private final DeliveryLedger ledger;
    private final int port;
    private final String token;
    private final Duration timeout;
    private volatile boolean running;
    private volatile AnswerTally tally;
    private final AtomicInteger acknowledged = new AtomicInteger();
    private List<Thread> threads = List.of();

    /** {@code count} producers, producer i sending to {@code topics.get(i % topics.size())}. */
    BatchProducers(int count, List<String> topics, String runTag, DeliveryLedger ledger, int port, String token, Duration timeout) {
        this.ledger = ledger;
        this.port = port;
        this.token = token;
        this.timeout = timeout;
        for (int i = 0; i < count; i++) {
            producers.add(new Producer(i, topics.get(i % topics.size()), runTag, i % 2 == 0, (i / 2) % 2 == 1));
        }
    }

    /** Starts every producer, each recording its answers in {@code tally}. */
    void start(AnswerTally tally) {
        this.tally = tally;
        run(producers, false);
    }

    /** From now on the answers go to {@code tally}: a new phase of the test. */
    void recordIn(AnswerTally tally) {
        this.tally = tally;
    }

    /** Stops the producers after the request each is sending, at most the client timeout and a little later. */
    void stop() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(timeout.plusSeconds(5).toMillis());
            if (thread.isAlive()) {
                throw new AssertionError("producer " + thread.getName() + " did not stop within " + timeout.plusSeconds(5));
            }
        }
    }

    /**
     * Lets the producers of large-message batches ({@code largeOnly}) or all producers whose last
     * batch is not yet acknowledged retry it until it is, for at most {@code within}; returns those
     * still without a 200 then, with their last answer.
     */
    List<String> finishPending(AnswerTally tally, boolean largeOnly, Duration within) throws InterruptedException {
        List<Producer> pending = producers.stream().filter(p -> p.pending && (!largeOnly || p.large)).toList();
        this.tally = tally;
        run(pending, true);
        Instant deadline = Instant.now().plus(within);
        for (Thread thread : threads) {
            thread.join(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()));
        }
        stop();
        return pending.stream().filter(p -> p.pending).map(p -> p.name() + " last answer: " + p.lastAnswer).toList();
    }

    /** Batches answered 200 so far. */
    int acknowledged() {
        return acknowledged.get();
    }

    /** How many producers have a batch sent but not acknowledged, of large-message batches only if {@code largeOnly}. */
    long pending(boolean largeOnly) {
        return producers.stream().filter(p -> p.pending && (!largeOnly || p.large)).count();
    }

    private void run(List<Producer> which, boolean untilAcknowledged) {
        running = true;
        List<Thread> started = new ArrayList<>();
        for (Producer producer : which) {
            Thread thread = new Thread(() -> producer.loop(untilAcknowledged), producer.name());
            thread.setDaemon(true);
            thread.start();
            started.add(thread);
        }
        threads = started;
    }

    private final class Producer {

        private static final String SEQUENCE_FORMAT = "%07d";

        private final int index;
        private final String topic;
        private final boolean large;
        private final boolean expectContinue;
        private final byte[] body;
        private final List<Integer> sequenceOffsets = new ArrayList<>();
        private final List<String> ids = new ArrayList<>();
        private final String idPrefix;
        private int sequence;
        private volatile boolean pending;
        private volatile ProduceConnection.Answer lastAnswer;

        Producer(int index, String topic, String runTag, boolean large, boolean expectContinue) {
            this.index = index;
            this.topic = topic;
            this.large = large;
            this.expectContinue = expectContinue;
            int messages = large ? 20 : 48;
            String text = (large ? "L" : "s").repeat(large ? 104_000 : 42_000);
            StringBuilder json = new StringBuilder("[");
            idPrefix = "%s-p%02d-".formatted(runTag, index);
            for (int m = 0; m < messages; m++) {
                String id = idPrefix + SEQUENCE_FORMAT.formatted(0) + "-%02d".formatted(m);
                json.append(m == 0 ? "" : ",").append("{\"messageId\":\"");
                sequenceOffsets.add(json.length() + idPrefix.length());
                json.append(id).append("\",\"message\":\"").append(text).append("\"}");
            }
            body = json.append(']').toString().getBytes(StandardCharsets.US_ASCII);
            if (body.length > BATCH_LIMIT) {
                throw new IllegalStateException("batch body of " + body.length + " bytes is over the 2 MB limit");
            }
            nextBatch();
        }

        String name() {
            return "producer-%02d-%s-%s%s".formatted(index, topic, large ? "large" : "ordinary", expectContinue ? "-expect100" : "");
        }

        /** Writes the next sequence number into every id of the body. */
        private void nextBatch() {
            sequence++;
            String digits = SEQUENCE_FORMAT.formatted(sequence);
            ids.clear();
            for (int m = 0; m < sequenceOffsets.size(); m++) {
                System.arraycopy(digits.getBytes(StandardCharsets.US_ASCII), 0, body, sequenceOffsets.get(m), digits.length());
                ids.add(idPrefix + digits + "-%02d".formatted(m));
            }
        }

        void loop(boolean untilAcknowledged) {
            try (ProduceConnection connection = new ProduceConnection(port, token, timeout)) {
                while (running) {
                    if (!pending) {
                        ledger.sent(ids);
                        pending = true;
                    }
                    ProduceConnection.Answer answer = connection.post(topic, body, expectContinue);
                    lastAnswer = answer;
                    tally.record(topic, answer);
                    if (answer.stored()) {
                        ledger.acknowledged(ids);
                        acknowledged.incrementAndGet();
                        pending = false;
                        if (untilAcknowledged) {
                            return;
                        }
                        nextBatch();
                    }
                }
            }
        }
    }
}
