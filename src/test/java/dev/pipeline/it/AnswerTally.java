package dev.pipeline.it;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How the requests of one phase of a load ended, per topic and outcome ("200", "503", "500",
 * "TIMED_OUT", ...), with the slowest answer of each, and the first examples of anything else than
 * 200 or 503 with Retry-After answered within {@code answeredWithin}.
 */
final class AnswerTally {

    private static final int EXAMPLES = 12;

    private final Duration answeredWithin;
    private final Instant since = Instant.now();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> slowestMillis = new ConcurrentHashMap<>();
    private final AtomicInteger unexpectedCount = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> examples = new ConcurrentLinkedQueue<>();

    AnswerTally(Duration answeredWithin) {
        this.answeredWithin = answeredWithin;
    }

    void record(String topic, ProduceConnection.Answer answer) {
        String key = topic + " " + answer.kind();
        counts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        slowestMillis.computeIfAbsent(key, k -> new AtomicLong()).accumulateAndGet(answer.took().toMillis(), Math::max);
        boolean expected = (answer.stored() || answer.refusedWithRetryAfter()) && answer.took().compareTo(answeredWithin) <= 0;
        if (!expected) {
            unexpectedCount.incrementAndGet();
            if (examples.size() < EXAMPLES) {
                examples.add("%s at +%.1f s: %s".formatted(topic, Duration.between(since, Instant.now()).toMillis() / 1000.0, answer));
            }
        }
    }

    int count(String topic, String kind) {
        AtomicInteger count = counts.get(topic + " " + kind);
        return count == null ? 0 : count.get();
    }

    /** Requests answered otherwise than 200 or 503 with Retry-After within the bound. */
    int unexpected() {
        return unexpectedCount.get();
    }

    List<String> examples() {
        return List.copyOf(examples);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(counts).forEach((key, count) -> text.append(text.length() == 0 ? "" : ", ")
                .append(key).append(" × ").append(count.get()).append(" (slowest ").append(slowestMillis.get(key).get()).append(" ms)"));
        return text.length() == 0 ? "no requests" : text.toString();
    }
}
