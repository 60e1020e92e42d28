package dev.pipeline.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends the pid of every server the tests start (Payara Micro, Artemis) to the file named by the
 * system property {@code pipeline.pidFile}, when it is set: if the test JVM dies before closing
 * them, {@code bench/run.sh} stops exactly these processes by id.
 */
final class ServerProcesses {

    private ServerProcesses() {
    }

    static void record(Process process) {
        record(process.toHandle());
    }

    /** Also a process a server's launch script started (Keycloak's JVM under kc.sh). */
    static void record(ProcessHandle process) {
        String file = System.getProperty("pipeline.pidFile");
        if (file == null || file.isBlank()) {
            return;
        }
        try {
            Files.writeString(Path.of(file), process.pid() + "\n", StandardCharsets.US_ASCII,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
