package dev.pipeline.it;

import static dev.pipeline.it.BenchOutput.loadAverage;
import static dev.pipeline.it.BenchOutput.mebibytes;
import static dev.pipeline.it.BenchOutput.print;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code bench/run.sh memory} (issue 5): does the service's heap stay flat under sustained load?
 * Gateway JSON singles from 16 threads for {@code bench.minutes}, in slices of
 * {@code bench.sampleSeconds}; after each slice the heap after a full GC and the RSS of Payara
 * Micro. Growth is from the first slice (JIT, pools and caches filled) to the last. Measurement
 * only: it fails only if a request failed.
 */
class MemoryBenchmark {

    private final Duration total = Duration.ofMinutes(Integer.getInteger("bench.minutes", 5));
    private final Duration slice = Duration.ofSeconds(Integer.getInteger("bench.sampleSeconds", 30));

    @Test
    void printsHeapAfterGcUnderSustainedLoad() throws Exception {
        try (BenchEnvironment bench = BenchEnvironment.start()) {
            ServiceMemory memory = bench.payaraMemory();
            print("machine: %s", BenchOutput.machine());
            print("Payara Micro as shipped (pid %d), startup %.1f s; gateway JSON singles, %d threads, %d min, a sample every %d s",
                    bench.payaraPid(), bench.startupSeconds(), ThroughputBenchmark.THREADS, total.toMinutes(), slice.toSeconds());
            print("| after s | requests/s | failed requests | heap after GC MiB | RSS MiB |");
            print("|---|---|---|---|---|");
            print("| 0 (idle) | - | - | %.0f | %.0f |", mebibytes(memory.heapAfterGcKibibytes()), mebibytes(memory.rssKibibytes()));
            long failures = 0;
            String firstFailure = null;
            long firstHeap = -1;
            long lastHeap = -1;
            Sender.Factory singles = bench.jsonSingles();
            for (long elapsed = slice.toSeconds(); elapsed <= total.toSeconds(); elapsed += slice.toSeconds()) {
                Throughput load = ClosedLoad.run(slice, ThroughputBenchmark.THREADS, singles);
                failures += load.failures();
                firstFailure = firstFailure == null ? load.firstFailure() : firstFailure;
                lastHeap = memory.heapAfterGcKibibytes();
                firstHeap = firstHeap < 0 ? lastHeap : firstHeap;
                print("| %d | %,.0f | %d | %.0f | %.0f |", elapsed, load.requestsPerSecond(), load.failures(),
                        mebibytes(lastHeap), mebibytes(memory.rssKibibytes()));
            }
            print("heap after GC: first %.0f MiB, last %.0f MiB, growth %+.1f MiB (%+.1f %%)", mebibytes(firstHeap),
                    mebibytes(lastHeap), mebibytes(lastHeap - firstHeap), 100.0 * (lastHeap - firstHeap) / firstHeap);
            print("load average (1, 5, 15 min) at the end: %s; orders-audit drained: %,d messages", loadAverage(),
                    bench.drain().received());
            if (firstFailure != null) {
                print("first failure: %s", firstFailure);
            }
            assertEquals(0, failures, "every request must succeed");
        }
    }
}
