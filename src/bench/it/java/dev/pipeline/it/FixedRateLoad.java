package dev.pipeline.it;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Latency at a fixed offered rate, open loop like wrk2: request {@code i} is due at
 * {@code start + i / rate} and sent then whatever earlier requests are doing, and its latency runs
 * from that due time to the complete answer, so time spent waiting behind a slow server counts
 * (no coordinated omission). Requests go out asynchronously, each on a pooled keep-alive
 * connection or a new one, so the generator never waits for the server; how late it was itself is
 * reported as {@link Result#maxLagMillis()}.
 */
final class FixedRateLoad {

    record Result(double rate, Duration duration, long requests, long failures, String firstFailure,
            double p50Millis, double p99Millis, double p999Millis, double maxMillis, double maxLagMillis) {
    }

    private FixedRateLoad() {
    }

    static Result run(HttpClient http, HttpRequest request, double rate, Duration duration) {
        int total = (int) Math.max(1, Math.round(rate * duration.toNanos() / 1e9));
        long[] latencies = new long[total];
        AtomicLong failures = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        CompletableFuture<?>[] answers = new CompletableFuture<?>[total];
        long start = System.nanoTime() + Duration.ofMillis(10).toNanos();
        long maxLag = 0;
        for (int i = 0; i < total; i++) {
            long due = start + (long) (i * 1e9 / rate);
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            maxLag = Math.max(maxLag, System.nanoTime() - due);
            int index = i;
            answers[i] = http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, error) -> {
                latencies[index] = System.nanoTime() - due;
                if (error != null || response.statusCode() / 100 != 2) {
                    failures.incrementAndGet();
                    firstFailure.compareAndSet(null, error != null ? error.toString() : response.statusCode() + " " + response.body());
                }
                return null;
            });
        }
        CompletableFuture.allOf(answers).join();
        Latencies all = Latencies.of(latencies);
        return new Result(rate, duration, total, failures.get(), firstFailure.get(), all.percentileMillis(0.50),
                all.percentileMillis(0.99), all.percentileMillis(0.999), all.maxMillis(), maxLag / 1e6);
    }
}
