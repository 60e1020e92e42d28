package dev.pipeline.publish.control;

import dev.pipeline.publish.boundary.Admission;
import dev.pipeline.publish.entity.Outgoing;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of requests not yet answered (or still being sent), per topic and in all, each with its
 * bound: Kafka's {@code buffer.memory}, but answering 503 at once instead of blocking the caller. A
 * topic whose address blocks fills only its own share, so the others keep being admitted.
 */
final class PendingBytes {

    /**
     * Heap per decoded body byte while a request is read and parsed: the read buffers, the whole body,
     * the JSON tree and the messages parsed from it. Measured with BackPressureIT: about 5 bytes of heap
     * after a full collection per body byte when only the body was counted.
     */
    static final int READING = 4;
    /** Heap per byte of an encoded message: its text, and the broker client's UTF-16 copy while it is sent. */
    static final int HOLDING = 3;

    private final long limit;
    private final long topicLimit;
    private final AtomicLong total = new AtomicLong();
    private final Map<String, AtomicLong> perTopic = new ConcurrentHashMap<>();

    PendingBytes(long limit, long topicLimit) {
        this.limit = limit;
        this.topicLimit = topicLimit;
    }

    Held admit(String topic) {
        return new Held(topic, perTopic.computeIfAbsent(topic, name -> new AtomicLong()));
    }

    long topicLimit() {
        return topicLimit;
    }

    long total() {
        return total.get();
    }

    long of(String topic) {
        AtomicLong held = perTopic.get(topic);
        return held == null ? 0 : held.get();
    }

    final class Held implements Admission {

        private final String topic;
        private final AtomicLong topicBytes;
        private long held;
        private long expectedBody;
        private long readBody;
        private boolean closed;

        private Held(String topic, AtomicLong topicBytes) {
            this.topic = topic;
            this.topicBytes = topicBytes;
        }

        @Override
        public synchronized void expect(long bytes) {
            take(READING * (bytes - expectedBody));
            expectedBody = bytes;
        }

        @Override
        public synchronized void read(long bytes) {
            long before = readBody;
            readBody += bytes;
            long beyond = readBody - Math.max(before, expectedBody);
            if (beyond > 0) {
                take(READING * beyond);
            }
        }

        @Override
        public synchronized void hold(List<Outgoing> messages) {
            take(HOLDING * messages.stream().mapToLong(Outgoing::size).sum() - held);
        }

        /** Counts {@code bytes} more (fewer when negative); past a bound, gives all back and answers 503. */
        synchronized void take(long bytes) {
            if (closed) {
                throw NotStored.tooManyBytes(topic);
            }
            held += bytes;
            boolean topicOver = topicBytes.addAndGet(bytes) > topicLimit;
            boolean totalOver = total.addAndGet(bytes) > limit;
            if (bytes > 0 && (topicOver || totalOver)) {
                close();
                throw topicOver ? NotStored.tooManyBytes(topic) : NotStored.tooManyBytes();
            }
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                topicBytes.addAndGet(-held);
                total.addAndGet(-held);
                held = 0;
            }
        }
    }
}
