package dev.pipeline.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory of the service's JVM, seen from outside: its resident set from {@code /proc}, and its
 * heap right after a full collection through {@code jcmd}, which is what grows if something leaks.
 */
final class ServiceMemory {

    /** "used 123456K" of a heap or generation line of {@code GC.heap_info}, for every collector. */
    private static final Pattern USED = Pattern.compile("\\bused (\\d+)K");

    private final long pid;

    ServiceMemory(long pid) {
        this.pid = pid;
    }

    long rssKibibytes() throws IOException {
        return procKibibytes(Path.of("/proc", Long.toString(pid), "status"), "VmRSS");
    }

    /** {@code jcmd GC.run} (a full GC), then the heap's used size from {@code jcmd GC.heap_info}. */
    long heapAfterGcKibibytes() throws IOException, InterruptedException {
        jcmd("GC.run");
        long used = 0;
        for (String line : jcmd("GC.heap_info").lines().toList()) {
            if (line.trim().startsWith("Metaspace")) {
                break;
            }
            Matcher matcher = USED.matcher(line);
            if (matcher.find()) {
                used += Long.parseLong(matcher.group(1));
            }
        }
        if (used == 0) {
            throw new IllegalStateException("no heap size in jcmd GC.heap_info of " + pid);
        }
        return used;
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + output);
        }
        return output;
    }

    /** A "Key:   123 kB" line of a /proc file, in KiB; -1 if absent. */
    static long procKibibytes(Path file, String key) throws IOException {
        return Files.readAllLines(file).stream().filter(line -> line.startsWith(key + ":"))
                .map(line -> line.substring(key.length() + 1).replace("kB", "").trim())
                .mapToLong(Long::parseLong).findFirst().orElse(-1);
    }
}
