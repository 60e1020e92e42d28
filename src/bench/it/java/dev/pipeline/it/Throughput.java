package dev.pipeline.it;

/** What one closed-loop load run stored: rates over the measured window, and its latencies. */
record Throughput(double messagesPerSecond, double requestsPerSecond, double p50Millis, double p99Millis,
        long failures, String firstFailure) {
}
