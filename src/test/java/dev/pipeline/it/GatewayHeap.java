package dev.pipeline.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway JVM's heap seen from outside through {@code jcmd}: the bytes of the objects still
 * reachable after a full collection, which are what the gateway keeps (request bodies, queued
 * messages) and not what it has already let go.
 */
final class GatewayHeap {

    /** One reading; {@code start} to {@code end} is the full collection the reading forced (a pause of the gateway). */
    record Sample(Instant start, Instant end, long usedBytes, String failure) {

        boolean failed() {
            return failure != null;
        }

        Duration pause() {
            return Duration.between(start, end);
        }

        @Override
        public String toString() {
            return failed() ? "no reading (" + failure + ")" : mebibytes(usedBytes) + " (full GC and histogram " + pause().toMillis() + " ms)";
        }
    }

    /** The last line of {@code GC.class_histogram}: "Total", the instances, the bytes. */
    private static final Pattern TOTAL = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");
    private static final Pattern MAX_HEAP = Pattern.compile("-XX:MaxHeapSize=(\\d+)");
    /** A full collection of a 768 MB heap takes a few seconds at most; a JVM that has run out of memory may not answer at all. */
    private static final Duration JCMD_TIMEOUT = Duration.ofSeconds(20);

    private final long pid;

    GatewayHeap(long pid) {
        this.pid = pid;
    }

    /** The JVM's -Xmx, in bytes. */
    long maxBytes() throws IOException, InterruptedException {
        Matcher matcher = MAX_HEAP.matcher(jcmd("VM.flags"));
        if (!matcher.find()) {
            throw new IllegalStateException("no MaxHeapSize in jcmd VM.flags of " + pid);
        }
        return Long.parseLong(matcher.group(1));
    }

    /** The resident set of the gateway's process, in bytes; -1 once it has ended. */
    long rssBytes() {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(line -> line.startsWith("VmRSS:")).map(line -> line.substring(6).replace("kB", "").trim())
                    .mapToLong(Long::parseLong).findFirst().orElse(-1) * 1024;
        } catch (IOException ended) {
            return -1;
        }
    }

    /**
     * {@code jcmd GC.class_histogram}: a full collection and, in the same pause, the bytes of every
     * object still reachable. (Reading {@code GC.heap_info} after a separate {@code GC.run} counted what
     * a loaded gateway allocated between the two commands: up to three times the live heap.) A failed
     * reading says why.
     */
    Sample afterFullGc() throws InterruptedException {
        Instant start = Instant.now();
        try {
            String histogram = jcmd("GC.class_histogram");
            Instant end = Instant.now();
            Matcher total = TOTAL.matcher(histogram);
            if (!total.find()) {
                return new Sample(start, end, 0, "no total in jcmd GC.class_histogram");
            }
            return new Sample(start, end, Long.parseLong(total.group(1)), null);
        } catch (IOException | IllegalStateException e) {
            return new Sample(start, Instant.now(), 0, e.getMessage());
        }
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        // To a file: a class histogram is larger than a pipe holds, and jcmd would wait for it to be read.
        Path output = Files.createTempFile("jcmd-", ".txt");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!process.waitFor(JCMD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException("jcmd " + pid + " " + command + " did not finish within " + JCMD_TIMEOUT);
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + text.strip());
            }
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    static String mebibytes(long bytes) {
        return "%.1f MiB".formatted(bytes / 1048576.0);
    }
}
