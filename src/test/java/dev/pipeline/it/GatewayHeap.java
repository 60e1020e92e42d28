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
 * The gateway JVM's heap seen from outside through {@code jcmd}, as {@code ServiceMemory} of the
 * benchmarks reads it: the heap in use right after a full collection, which holds what the gateway
 * keeps (request bodies, queued messages) and not what it has already let go.
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
            return failed() ? "no reading (" + failure + ")" : mebibytes(usedBytes) + " (GC.run " + pause().toMillis() + " ms)";
        }
    }

    /** "used 123456K" of a heap or generation line of {@code GC.heap_info}, for every collector. */
    private static final Pattern USED = Pattern.compile("\\bused (\\d+)K");
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

    /** {@code jcmd GC.run} (a full collection), then the heap's used size from {@code GC.heap_info}; a failed reading says why. */
    Sample afterFullGc() throws InterruptedException {
        Instant start = Instant.now();
        try {
            jcmd("GC.run");
            Instant end = Instant.now();
            long usedKibibytes = 0;
            for (String line : jcmd("GC.heap_info").lines().toList()) {
                if (line.trim().startsWith("Metaspace")) {
                    break;
                }
                Matcher matcher = USED.matcher(line);
                if (matcher.find()) {
                    usedKibibytes += Long.parseLong(matcher.group(1));
                }
            }
            if (usedKibibytes == 0) {
                return new Sample(start, end, 0, "no heap size in jcmd GC.heap_info");
            }
            return new Sample(start, end, usedKibibytes * 1024, null);
        } catch (IOException | IllegalStateException e) {
            return new Sample(start, Instant.now(), 0, e.getMessage());
        }
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        if (!process.waitFor(JCMD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("jcmd " + pid + " " + command + " did not finish within " + JCMD_TIMEOUT);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + output.strip());
        }
        return output;
    }

    static String mebibytes(long bytes) {
        return "%.1f MiB".formatted(bytes / 1048576.0);
    }
}
