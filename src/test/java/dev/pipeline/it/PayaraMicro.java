package dev.pipeline.it;

import java.io.IOException;
import java.net.BindException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The built WAR on a stock Payara Micro, in a process of its own, configured only through system
 * properties, exactly as a user runs it.
 */
final class PayaraMicro implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final Process process;
    private final long launchedNanos;
    private final Path log;
    private final int port;
    private Duration readyAfterLaunch;

    private PayaraMicro(Process process, long launchedNanos, Path log, int port) {
        this.process = process;
        this.launchedNanos = launchedNanos;
        this.log = log;
        this.port = port;
    }

    /** Starts Payara Micro with the WAR deployed; returns once the deployment answers requests. */
    static PayaraMicro start(String name, Map<String, String> systemProperties) throws IOException, InterruptedException {
        PayaraMicro payara = launch(name, systemProperties);
        payara.awaitDeployed();
        return payara;
    }

    /**
     * Starts stock Payara Micro with other archives deployed before the WAR, in the given order (a
     * resource adapter before the applications that use it); returns once the WAR answers requests.
     */
    static PayaraMicro startWithArchives(String name, Map<String, String> systemProperties, List<Path> deployFirst)
            throws IOException, InterruptedException {
        List<String> options = new ArrayList<>();
        deployFirst.forEach(archive -> options.addAll(List.of("--deploy", archive.toString())));
        PayaraMicro payara = launch(name, systemProperties, options, Map.of());
        payara.awaitDeployed();
        return payara;
    }

    /** Starts Payara Micro configured through environment variables only, as a container is. */
    static PayaraMicro startWithEnvironment(String name, Map<String, String> environment) throws IOException, InterruptedException {
        PayaraMicro payara = launch(name, Map.of(), List.of(), environment);
        payara.awaitDeployed();
        return payara;
    }

    /** Starts Payara Micro as shipped: server-config/post-boot-commands.asadmin, system.properties, --nohazelcast. */
    static PayaraMicro startConfigured(String name, Map<String, String> systemProperties) throws IOException, InterruptedException {
        PayaraMicro payara = launchConfigured(name, systemProperties);
        payara.awaitDeployed();
        return payara;
    }

    /** Launches Payara Micro as shipped without waiting, for measuring its start with {@link #awaitReady()}. */
    static PayaraMicro launchConfigured(String name, Map<String, String> systemProperties) throws IOException {
        return launch(name, systemProperties,
                List.of("--postbootcommandfile", Path.of("server-config/post-boot-commands.asadmin").toAbsolutePath().toString(),
                        "--systemproperties", Path.of("server-config/system.properties").toAbsolutePath().toString(),
                        "--nohazelcast"),
                Map.of());
    }

    /** Starts stock Payara Micro without waiting for the deployment, for tests of failed deployments. */
    static PayaraMicro launch(String name, Map<String, String> systemProperties) throws IOException {
        return launch(name, systemProperties, List.of(), Map.of());
    }

    private static PayaraMicro launch(String name, Map<String, String> systemProperties, List<String> options,
            Map<String, String> environment) throws IOException {
        Path dir = Path.of(System.getProperty("pipeline.testDir", "target/it")).toAbsolutePath().resolve(name);
        Path root = dir.resolve("payara-root");
        deleteRecursively(root);
        Files.createDirectories(dir);
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", requiredFile("payara.microJar"),
                "--nocluster", "--port", Integer.toString(port), "--rootdir", root.toString()));
        // Payara Micro deploys in command-line order: archives among the options go before the WAR.
        command.addAll(options);
        command.addAll(List.of("--deploy", requiredFile("pipeline.war")));
        Path log = dir.resolve("payara.log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        long launchedNanos = System.nanoTime();
        Process process = builder.start();
        ServerProcesses.record(process);
        return new PayaraMicro(process, launchedNanos, log, port);
    }

    /**
     * HTTP/1.1 only: the JDK client's default, HTTP/2 upgraded from a first request, keeps one
     * connection for every later request; a CI run once had every probe after Payara's "ready" time
     * out for three minutes, as if that one connection had stalled.
     */
    private static HttpClient probeClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private void awaitDeployed() throws IOException, InterruptedException {
        HttpClient client = probeClient();
        await(() -> deployed(client), Duration.ofMillis(250));
    }

    /**
     * Waits until {@code /health/ready} answers 200 and the deployment answers requests, polling
     * every 50 ms, and keeps the time from launching the process to then as
     * {@link #readyAfterLaunch()}.
     */
    Duration awaitReady() throws IOException, InterruptedException {
        HttpClient client = probeClient();
        HttpRequest health = HttpRequest.newBuilder(uri("/health/ready")).timeout(Duration.ofSeconds(5)).build();
        await(() -> client.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200 && deployed(client),
                Duration.ofMillis(50));
        readyAfterLaunch = Duration.ofNanos(System.nanoTime() - launchedNanos);
        return readyAfterLaunch;
    }

    /** The time {@link #awaitReady()} measured; null if it was not called. */
    Duration readyAfterLaunch() {
        return readyAfterLaunch;
    }

    /** An unauthenticated request answers 401 only once the WAR is deployed (404 before). */
    private boolean deployed(HttpClient client) throws IOException, InterruptedException {
        HttpRequest probe = HttpRequest.newBuilder(uri("/pipeline/topics/probe/messages"))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build();
        return client.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 401;
    }

    /** A thread dump of the Payara process next to its log, for a start that never finished. */
    private Path dumpThreads() throws InterruptedException {
        Path threads = log.resolveSibling("threads.txt");
        try {
            new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(process.pid()), "Thread.print")
                    .redirectErrorStream(true).redirectOutput(threads.toFile()).start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            return null;
        }
        return threads;
    }

    private interface Probe {
        boolean passes() throws IOException, InterruptedException;
    }

    private void await(Probe started, Duration interval) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Payara Micro exited with " + process.exitValue() + "; log: " + logTail());
            }
            if (log().contains("Address already in use")) {
                close();
                throw new IllegalStateException("Payara Micro could not bind a port; log: " + logTail());
            }
            try {
                if (started.passes()) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // Payara has not opened its HTTP port yet.
            }
            process.waitFor(interval.toMillis(), TimeUnit.MILLISECONDS);
        }
        Path threads = dumpThreads();
        close();
        throw new IllegalStateException("Payara Micro with the WAR did not start within " + START_TIMEOUT
                + "; its threads: " + threads + "; log: " + logTail());
    }

    URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    /** The operating-system process id of the Payara Micro JVM, for reading its memory from /proc. */
    long pid() {
        return process.pid();
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    private String logTail() throws IOException {
        String all = log();
        return all.substring(Math.max(0, all.length() - 4000));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** A root directory left by an earlier run would make Payara redeploy the old WAR while the tests run. */
    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    /**
     * A port nobody listens on, from below the kernel's ephemeral range (32768 and up on Linux): a
     * port the kernel handed out ({@code new ServerSocket(0)}) can be taken by any outgoing
     * connection before the server that was meant to listen on it binds, which once left a test
     * waiting three minutes for a Payara that could not bind its HTTP port.
     */
    static int freePort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(20_000, 32_000);
            try (ServerSocket socket = new ServerSocket(candidate)) {
                return socket.getLocalPort();
            } catch (BindException taken) {
                // Try another.
            }
        }
        throw new IOException("no free port between 20000 and 32000");
    }

    static String requiredFile(String property) {
        String file = System.getProperty(property);
        if (file == null || !Files.exists(Path.of(file))) {
            throw new IllegalStateException("system property " + property + " must name an existing file (run through mvn verify)");
        }
        return file;
    }
}
