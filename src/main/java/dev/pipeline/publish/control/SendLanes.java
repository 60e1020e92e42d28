package dev.pipeline.publish.control;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.logging.Logger;

/**
 * A bounded queue of requests and the {@link SendLane} threads that store them. Owned threads, not
 * a managed executor: each lane keeps its own broker session for its whole life, which a pooled task
 * cannot. They start with {@link #start} and end in {@link #close}, which waits for them, so that
 * an undeploy leaves none behind; whatever was still queued is answered 503 then.
 */
final class SendLanes {

    private static final Logger LOG = Logger.getLogger(SendLanes.class.getName());
    private static final long STOP_WAIT_MILLIS = 5_000;

    private final String what;
    private final BlockingQueue<Pending> queue;
    private final List<SendLane> lanes = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    /**
     * @param what        what waits, for the 503 of a full queue ("messages to orders")
     * @param threadNames the name of each lane's thread, by its number from 1
     */
    SendLanes(String what, int capacity, int count, IntFunction<String> threadNames,
            Function<BlockingQueue<Pending>, SendLane> lane) {
        this.what = what;
        this.queue = new ArrayBlockingQueue<>(capacity);
        for (int i = 1; i <= count; i++) {
            SendLane created = lane.apply(queue);
            Thread thread = new Thread(created, threadNames.apply(i));
            thread.setDaemon(true);
            lanes.add(created);
            threads.add(thread);
        }
    }

    SendLanes start() {
        threads.forEach(Thread::start);
        return this;
    }

    void submit(Pending pending) {
        if (closed) {
            pending.publication().failed(NotStored.stopping());
        } else if (!queue.offer(pending)) {
            pending.publication().failed(NotStored.tooManyWaiting(what));
        } else if (closed && queue.remove(pending)) {
            pending.publication().failed(NotStored.stopping());
        }
    }

    /** Lets each lane finish its transaction, waits for the threads, then answers what is still queued. */
    void close() {
        closed = true;
        lanes.forEach(SendLane::stop);
        threads.forEach(Thread::interrupt);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_WAIT_MILLIS);
        for (Thread thread : threads) {
            try {
                TimeUnit.NANOSECONDS.timedJoin(thread, Math.max(1, deadline - System.nanoTime()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (thread.isAlive()) {
                LOG.warning(() -> thread.getName() + " is still sending after " + STOP_WAIT_MILLIS
                        + " ms; it ends when the broker connection closes");
            }
        }
        for (Pending pending = queue.poll(); pending != null; pending = queue.poll()) {
            pending.publication().failed(NotStored.stopping());
        }
    }
}
