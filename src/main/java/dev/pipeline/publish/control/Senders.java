package dev.pipeline.publish.control;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.logging.Logger;

/**
 * A fixed number of {@link Sender} threads for every topic, however many the catalogue lists (Kafka
 * sends for all partitions from one thread): topics with work wait in one ready queue, first come
 * first served. Owned threads, not a managed executor: each keeps its broker session for its whole
 * life. Stopping never interrupts a thread inside the broker client: each polls with a timeout and
 * ends after the send in hand; {@link #close} waits for them all within one bound.
 */
final class Senders {

    private static final Logger LOG = Logger.getLogger(Senders.class.getName());
    static final long POLL_MILLIS = 100;

    private final BlockingQueue<TopicQueue> ready;
    private final List<Sender> senders = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    /** @param ready the queue the senders take topics with work from */
    Senders(BlockingQueue<TopicQueue> ready, int count, IntFunction<Sender> sender) {
        this.ready = ready;
        for (int i = 1; i <= count; i++) {
            Sender created = sender.apply(i);
            Thread thread = new Thread(created, "pipeline-send-" + i);
            thread.setDaemon(true);
            senders.add(created);
            threads.add(thread);
        }
    }

    Senders start() {
        threads.forEach(Thread::start);
        return this;
    }

    void ready(TopicQueue queue) {
        ready.add(queue);
    }

    /** Ends every sender after its send in hand, waiting at most {@code waitMillis} for all of them together. */
    void close(long waitMillis) {
        senders.forEach(Sender::stop);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        for (Thread thread : threads) {
            try {
                TimeUnit.NANOSECONDS.timedJoin(thread, Math.max(1, deadline - System.nanoTime()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (thread.isAlive()) {
                LOG.warning(() -> thread.getName() + " is still sending after " + waitMillis
                        + " ms; it ends when the broker connection closes");
            }
        }
    }

    /** Ends the sends that wait for credits or for an answer too long (see {@link Sender#abortIfStuck}). */
    void abortStuck(long now, long creditWaitNanos, long guardNanos) {
        senders.forEach(sender -> sender.abortIfStuck(now, creditWaitNanos, guardNanos));
    }

    /** Threads still running, for tests. */
    long alive() {
        return threads.stream().filter(Thread::isAlive).count();
    }
}
