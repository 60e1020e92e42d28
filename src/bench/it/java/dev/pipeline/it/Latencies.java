package dev.pipeline.it;

import java.util.Arrays;

/** Response times of one load run in nanoseconds, recorded without boxing; read as percentiles in ms. */
final class Latencies {

    private long[] nanos;
    private int size;
    private boolean sorted = true;

    Latencies() {
        this(new long[1 << 12], 0);
    }

    private Latencies(long[] nanos, int size) {
        this.nanos = nanos;
        this.size = size;
        this.sorted = size == 0;
    }

    /** Takes the array over. */
    static Latencies of(long[] nanos) {
        return new Latencies(nanos, nanos.length);
    }

    void add(long value) {
        if (size == nanos.length) {
            nanos = Arrays.copyOf(nanos, size * 2);
        }
        nanos[size++] = value;
        sorted = false;
    }

    void addAll(Latencies other) {
        for (int i = 0; i < other.size; i++) {
            add(other.nanos[i]);
        }
    }

    int count() {
        return size;
    }

    /** The smallest recorded value that at least {@code quantile} of all values do not exceed; NaN if none. */
    double percentileMillis(double quantile) {
        if (size == 0) {
            return Double.NaN;
        }
        if (!sorted) {
            Arrays.sort(nanos, 0, size);
            sorted = true;
        }
        int index = (int) Math.min(size - 1, Math.max(0, Math.ceil(quantile * size) - 1));
        return nanos[index] / 1e6;
    }

    double maxMillis() {
        return percentileMillis(1.0);
    }
}
