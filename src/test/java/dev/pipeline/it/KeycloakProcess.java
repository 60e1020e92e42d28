package dev.pipeline.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Keycloak from its Maven Central distribution ({@code keycloak.home}, unpacked by the build), run
 * with {@code kc.sh start-dev} as a process of its own on a free loopback port, with an in-memory
 * database (nothing outlives the process) and a bootstrap admin service account whose secret is
 * made per run. Stopped by its pid; {@code kc.sh} forwards the stop to the JVM it runs.
 */
final class KeycloakProcess implements AutoCloseable {

    static final String ADMIN_CLIENT = "pipeline-it-admin";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path log;
    private final int port;
    private final String adminSecret;

    private KeycloakProcess(Process process, Path log, int port, String adminSecret) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.adminSecret = adminSecret;
    }

    /** Launches Keycloak on this port without waiting for it: {@link #awaitReady()}. */
    static KeycloakProcess launch(Path dir, int port) throws IOException {
        String home = System.getProperty("keycloak.home");
        if (home == null || !Files.isDirectory(Path.of(home))) {
            throw new IllegalStateException("system property keycloak.home must name the unpacked Keycloak distribution (run through mvn verify)");
        }
        Files.createDirectories(dir);
        Path log = dir.resolve("keycloak.log");
        String secret = UUID.randomUUID().toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(home, "bin", "kc.sh").toString(), "start-dev",
                "--http-host", "127.0.0.1", "--http-port", Integer.toString(port), "--db", "dev-mem"))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("KC_BOOTSTRAP_ADMIN_CLIENT_ID", ADMIN_CLIENT);
        builder.environment().put("KC_BOOTSTRAP_ADMIN_CLIENT_SECRET", secret);
        Process process = builder.start();
        ServerProcesses.record(process);
        return new KeycloakProcess(process, log, port, secret);
    }

    /** Waits until the master realm answers, failing with the log if Keycloak exits or takes too long. */
    void awaitReady() throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(uri("/realms/master")).timeout(Duration.ofSeconds(5)).build();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            try {
                if (client.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    process.descendants().forEach(ServerProcesses::record);
                    return;
                }
            } catch (IOException notListeningYet) {
                // Keycloak has not opened its HTTP port yet.
            }
            if (Instant.now().isAfter(deadline)) {
                close();
                throw new IllegalStateException("Keycloak did not start within " + START_TIMEOUT + ": " + Files.readString(log));
            }
            process.waitFor(250, TimeUnit.MILLISECONDS);
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    String adminSecret() {
        return adminSecret;
    }

    /**
     * SIGTERM to kc.sh, which forwards it to Keycloak's JVM (or is that JVM, once it re-built and
     * exec'd it); SIGKILL to whichever of them outlives the timeout.
     */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> jvms = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        for (ProcessHandle jvm : jvms) {
            try {
                jvm.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException | ExecutionException e) {
                jvm.destroyForcibly();
            }
        }
    }
}
