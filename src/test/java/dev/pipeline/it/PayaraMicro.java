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
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * An archive on Payara Micro in a process of its own, configured only through system properties or
 * environment variables, exactly as a user runs it. The engine of {@link PayaraMicroContainer}, the
 * Arquillian container the tests deploy through; the benchmarks, which Arquillian does not drive,
 * start the shipped gateway with it directly.
 */
final class PayaraMicro implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Pattern READY = Pattern.compile("Payara Micro .* ready in [0-9,.]+ \\(ms\\)");

    private final Process process;
    private final long launchedNanos;
    private final Path log;
    private final int port;
    private final Https https;
    private Duration readyAfterLaunch;

    private PayaraMicro(Process process, long launchedNanos, Path log, int port, Https https) {
        this.process = process;
        this.launchedNanos = launchedNanos;
        this.log = log;
        this.port = port;
        this.https = https;
    }

    /**
     * Boot files in place of the shipped ones of server-config/ (server-config/tls/ has such a set),
     * and, when the API is served over HTTPS, its port and a client context that trusts its
     * certificate, for the probes that tell when the deployment answers.
     */
    record BootFiles(Path preBootCommands, Path postDeployCommands, Path systemProperties, Https https) {
    }

    /** The HTTPS listener the boot files open: its port and a TLS context that trusts its certificate. */
    record Https(int port, SSLContext client) {
    }

    /** Starts the built WAR on Payara Micro as shipped and returns once the deployment answers requests; for the benchmarks. */
    static PayaraMicro startConfigured(String name, Map<String, String> systemProperties) throws IOException, InterruptedException {
        PayaraMicro payara = launchConfigured(name, systemProperties);
        payara.awaitDeployed("pipeline");
        return payara;
    }

    /** Launches the built WAR on Payara Micro as shipped without waiting, for measuring its start with {@link #awaitReady()}. */
    static PayaraMicro launchConfigured(String name, Map<String, String> systemProperties) throws IOException {
        return launch(name, Path.of(requiredFile("pipeline.war")), List.of(), List.of(), systemProperties, Map.of(), true, 0);
    }

    /**
     * Launches Payara Micro deploying {@code deployFirst}, then {@code archive}, with the jars
     * {@code addLibs} on its class path ({@code --addlibs}). As shipped: with
     * server-config/pre-boot-commands.asadmin, post-deploy-commands.asadmin, system.properties and
     * --nohazelcast; otherwise stock. On {@code fixedPort}, or on a free port if it is 0.
     */
    static PayaraMicro launch(String name, Path archive, List<String> deployFirst, List<String> addLibs, Map<String, String> systemProperties,
            Map<String, String> environment, boolean shipped, int fixedPort) throws IOException {
        return launch(name, archive, deployFirst, addLibs, systemProperties, environment, shipped, fixedPort, null);
    }

    /** As above, with {@code bootFiles} (if not null) in place of the shipped boot files; implies {@code shipped}'s --nohazelcast. */
    static PayaraMicro launch(String name, Path archive, List<String> deployFirst, List<String> addLibs, Map<String, String> systemProperties,
            Map<String, String> environment, boolean shipped, int fixedPort, BootFiles bootFiles) throws IOException {
        Path dir = instanceDir(name);
        Path root = dir.resolve("payara-root");
        deleteRecursively(root);
        Files.createDirectories(dir);
        int port = fixedPort == 0 ? freePort() : fixedPort;
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                // Payara's Hazelcast starts even with --nohazelcast; on an IPv6 link-local address (a podman
                // veth) it has no socket address and the boot fails (NullPointerException in HazelcastCore.getPort).
                "-Djava.net.preferIPv4Stack=true"));
        systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", requiredFile("payara.microJar"),
                "--nocluster", "--port", Integer.toString(port), "--rootdir", root.toString()));
        if (!addLibs.isEmpty()) {
            command.addAll(List.of("--addlibs", String.join(java.io.File.pathSeparator, addLibs)));
        }
        for (String first : deployFirst) {
            command.addAll(List.of("--deploy", first));
        }
        command.addAll(List.of("--deploy", archive.toString()));
        if (bootFiles != null) {
            command.addAll(List.of("--prebootcommandfile", bootFiles.preBootCommands().toString(),
                    "--postdeploycommandfile", bootFiles.postDeployCommands().toString(),
                    "--systemproperties", bootFiles.systemProperties().toString(), "--nohazelcast"));
        } else if (shipped) {
            command.addAll(List.of(
                    // -Dpipeline.bootCommands=post: the same file post-boot, as shipped before, for bench/starts.sh to compare
                    "post".equals(System.getProperty("pipeline.bootCommands")) ? "--postbootcommandfile" : "--prebootcommandfile",
                    Path.of("server-config/pre-boot-commands.asadmin").toAbsolutePath().toString(),
                    "--postdeploycommandfile", Path.of("server-config/post-deploy-commands.asadmin").toAbsolutePath().toString(),
                    "--systemproperties", Path.of("server-config/system.properties").toAbsolutePath().toString(),
                    "--nohazelcast"));
        }
        Path log = dir.resolve("payara.log");
        if (Files.exists(log)) {
            // An earlier start of the same instance: keep its log, a failure may be in it.
            Files.move(log, dir.resolve("payara.log." + Files.getLastModifiedTime(log).toMillis()));
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        long launchedNanos = System.nanoTime();
        Process process = builder.start();
        ServerProcesses.record(process);
        return new PayaraMicro(process, launchedNanos, log, port, bootFiles == null ? null : bootFiles.https());
    }

    /** The folder of the instance of that name: its log, root directory and deployments. */
    static Path instanceDir(String name) {
        return Path.of(System.getProperty("pipeline.testDir", "target/it")).toAbsolutePath().resolve(name);
    }

    /**
     * HTTP/1.1 only: the JDK client's default, HTTP/2 upgraded from a first request, keeps one
     * connection for every later request; a CI run once had every probe after Payara's "ready" time
     * out for three minutes, as if that one connection had stalled.
     */
    private HttpClient probeClient() {
        HttpClient.Builder client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5));
        if (https != null) {
            client.sslContext(https.client());
        }
        return client.build();
    }

    /**
     * Waits until Payara Micro says it is ready and the listener answers HTTP on the application's
     * context root; fails at once, with the log, if the application was not deployed. Payara logs
     * "ready" after a failed deployment too, and once logged "ready" with a listener that never
     * answered: only both together say the deployment serves.
     */
    void awaitDeployed(String contextRoot) throws IOException, InterruptedException {
        HttpClient client = probeClient();
        HttpRequest probe = HttpRequest.newBuilder(uri("/" + contextRoot + "/")).timeout(Duration.ofSeconds(5)).build();
        await(() -> {
            String log = log();
            if (!READY.matcher(log).find()) {
                return false;
            }
            if (!log.contains(contextRoot + " was successfully deployed") || log.contains("Exception while loading the app")) {
                throw new DeploymentFailed("Payara Micro is ready without " + contextRoot + " deployed; log: " + logTail());
            }
            client.send(probe, HttpResponse.BodyHandlers.discarding());
            return true;
        }, Duration.ofMillis(250));
    }

    /** The application did not deploy; the instance still runs, answering 404. */
    static final class DeploymentFailed extends IllegalStateException {
        DeploymentFailed(String message) {
            super(message);
        }
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

    int port() {
        return port;
    }

    /** Where the API answers: the HTTPS listener if the boot files open one, else the HTTP listener. */
    URI uri(String path) {
        return https == null ? URI.create("http://localhost:" + port + path) : URI.create("https://localhost:" + https.port() + path);
    }

    /** The plain HTTP listener's address, whether or not it serves. */
    URI httpUri(String path) {
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

    private static String requiredFile(String property) {
        String file = System.getProperty(property);
        if (file == null || !Files.exists(Path.of(file))) {
            throw new IllegalStateException("system property " + property + " must name an existing file (run through mvn verify)");
        }
        return file;
    }
}
