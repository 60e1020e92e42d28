package dev.pipeline.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** Lines of the benchmark's report, prefixed so that {@code bench/run.sh} can pick them from Maven's output. */
final class BenchOutput {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private BenchOutput() {
    }

    /** The wall-clock time, printed where a row starts, to line up profiles or logs taken meanwhile. */
    static String clock() {
        return LocalTime.now().format(CLOCK);
    }

    static void print(String format, Object... args) {
        System.out.println("BENCH " + String.format(format, args));
    }

    static String machine() throws IOException {
        return String.format("nproc=%d, memory=%.1f GiB, java.version=%s (%s)", Runtime.getRuntime().availableProcessors(),
                ServiceMemory.procKibibytes(Path.of("/proc/meminfo"), "MemTotal") / 1024.0 / 1024.0,
                System.getProperty("java.version"), System.getProperty("java.vm.name"));
    }

    /** The machine may be shared: the load average says how much else was running. */
    static String loadAverage() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    static double mebibytes(long kibibytes) {
        return kibibytes / 1024.0;
    }
}
