package dev.pipeline.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Maximum throughput: each thread sends, waits for the answer and sends again, for a fixed time.
 * Senders are created before the clock starts, so connecting is not measured.
 */
final class ClosedLoad {

    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();
    private final CountDownLatch go = new CountDownLatch(1);
    private volatile long deadline;

    private ClosedLoad() {
    }

    static Throughput run(Duration duration, int threads, Sender.Factory senders) throws InterruptedException {
        return new ClosedLoad().measure(duration, threads, senders);
    }

    private Throughput measure(Duration duration, int threadCount, Sender.Factory senders) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(threadCount);
        List<Latencies> perThread = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int index = 0; index < threadCount; index++) {
            Latencies latencies = new Latencies();
            perThread.add(latencies);
            int threadIndex = index;
            Thread thread = new Thread(() -> sendUntilDeadline(senders, threadIndex, ready, latencies), "bench-" + index);
            thread.start();
            threads.add(thread);
        }
        ready.await();
        long start = System.nanoTime();
        deadline = start + duration.toNanos();
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (Math.max(System.nanoTime(), deadline) - start) / 1e9;
        Latencies all = new Latencies();
        perThread.forEach(all::addAll);
        return new Throughput(messages.get() / seconds, requests.get() / seconds,
                all.percentileMillis(0.50), all.percentileMillis(0.99), failures.get(), firstFailure.get());
    }

    private void sendUntilDeadline(Sender.Factory senders, int threadIndex, CountDownLatch ready, Latencies latencies) {
        Sender sender;
        try {
            sender = senders.create(threadIndex);
        } catch (Exception e) {
            fail("sender could not be created: " + e);
            ready.countDown();
            return;
        }
        try (sender) {
            ready.countDown();
            go.await();
            long now = System.nanoTime();
            while (now < deadline) {
                int stored = sendOnce(sender);
                long done = System.nanoTime();
                latencies.add(done - now);
                requests.incrementAndGet();
                messages.addAndGet(stored);
                now = done;
            }
        } catch (Exception e) {
            fail("sender failed: " + e);
        }
    }

    private int sendOnce(Sender sender) {
        try {
            int stored = sender.send();
            if (stored == 0) {
                fail(sender.lastFailure());
            }
            return stored;
        } catch (Exception e) {
            fail(e.toString());
            return 0;
        }
    }

    private void fail(String reason) {
        failures.incrementAndGet();
        firstFailure.compareAndSet(null, reason);
    }
}
