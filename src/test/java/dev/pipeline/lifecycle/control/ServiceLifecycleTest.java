package dev.pipeline.lifecycle.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServiceLifecycleTest {

    private final ServiceLifecycle lifecycle = new ServiceLifecycle();

    @Test
    void requestsAreTakenUntilStopping() {
        assertTrue(lifecycle.take());

        lifecycle.stop();

        assertFalse(lifecycle.take());
        assertEquals(1, lifecycle.inFlight());
    }

    @Test
    void drainedAtOnceWithoutRequestsInFlight() throws InterruptedException {
        lifecycle.stop();

        assertTrue(lifecycle.awaitDrained(Duration.ZERO));
    }

    @Test
    void drainWaitsForTheLastRequestTaken() throws Exception {
        lifecycle.take();
        lifecycle.take();
        lifecycle.stop();
        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> {
            try {
                return lifecycle.awaitDrained(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        lifecycle.finished();
        assertFalse(drained.isDone() && drained.get(), "one request is still in flight");
        lifecycle.finished();

        assertTrue(drained.get(30, TimeUnit.SECONDS));
    }

    @Test
    void drainGivesUpAfterItsTimeout() throws InterruptedException {
        lifecycle.take();
        lifecycle.stop();

        assertFalse(lifecycle.awaitDrained(Duration.ofMillis(10)));
    }
}
