package dev.pipeline.lifecycle.control;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether the service takes new produce requests, and how many it is still answering. Once
 * stopping, new requests are refused (503) and {@link #awaitDrained} waits, bounded, for those
 * already taken to be answered, so that each gets its 200 or 503 before the server goes away.
 */
@ApplicationScoped
public class ServiceLifecycle {

    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean stopping;
    private volatile boolean leaving;

    /** Takes a request unless stopping; a taken request must be {@link #finished()} once answered. */
    public boolean take() {
        if (stopping) {
            return false;
        }
        inFlight.incrementAndGet();
        if (stopping) {
            finished();
            return false;
        }
        return true;
    }

    public void finished() {
        if (inFlight.decrementAndGet() == 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Readiness goes DOWN; requests are still taken, for as long as a load balancer needs to notice. */
    public void leave() {
        leaving = true;
    }

    public boolean leaving() {
        return leaving || stopping;
    }

    public void stop() {
        leaving = true;
        stopping = true;
    }

    public boolean stopping() {
        return stopping;
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Waits until every taken request was answered, or the timeout passed; true if all were. */
    public synchronized boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
