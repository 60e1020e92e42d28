package dev.pipeline.it;

import java.io.IOException;
import java.net.BindException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A domain of the full Payara Server 6, driven by its own {@code asadmin} exactly as the README's
 * "Deploying to Payara Server" tells an operator to: create and start a domain, add the
 * configuration as JVM options, deploy, undeploy. Every domain it makes lives under the test
 * directory on ports of its own, never on Payara's defaults (4848, 8080).
 */
final class PayaraServer implements AutoCloseable {

    /** Where {@code --portbase} puts each listener; the block must be free before the domain is made. */
    private static final int ADMIN_OFFSET = 48;
    private static final int HTTP_OFFSET = 80;
    private static final int[] PORT_OFFSETS = {9, 37, 38, 39, 48, 49, 59, 66, 76, 80, 81, 86};
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final Path home;
    private final Path domains;
    private final String name;
    private final int portBase;
    private final Path log;

    private PayaraServer(Path home, Path domains, String name, int portBase) {
        this.home = home;
        this.domains = domains;
        this.name = name;
        this.portBase = portBase;
        this.log = domains.resolve("asadmin.log");
    }

    /** Makes a new domain (with an admin user without password) under {@code dir}, on a free block of ports. */
    static PayaraServer createDomain(Path dir, String name) throws IOException, InterruptedException {
        Path home = Path.of(System.getProperty("payara.serverHome", "target/payara-server/payara6")).toAbsolutePath();
        if (!Files.isExecutable(home.resolve("bin/asadmin"))) {
            throw new IllegalStateException("system property payara.serverHome must name an unpacked Payara Server 6 "
                    + "(run through mvn verify); no asadmin in " + home);
        }
        Path domains = dir.toAbsolutePath().resolve("domains");
        deleteRecursively(domains);
        Files.createDirectories(domains);
        PayaraServer server = new PayaraServer(home, domains, name, freePortBase());
        server.asadmin("--user", "admin", "create-domain", "--nopassword", "--domaindir", domains.toString(),
                "--portbase", Integer.toString(server.portBase), name);
        return server;
    }

    void start() throws IOException, InterruptedException {
        asadmin("start-domain", "--domaindir", domains.toString(), name);
    }

    void restart() throws IOException, InterruptedException {
        asadmin("restart-domain", "--domaindir", domains.toString(), name);
    }

    /** {@code create-jvm-options "-Dkey=value"}, with the colons asadmin reads as separators escaped. */
    void createSystemProperty(String key, String value) throws IOException, InterruptedException {
        admin("create-jvm-options", jvmOption(key, value));
    }

    /** One option as create-jvm-options takes it: a {@code :} separates options, so a literal one is {@code \:}. */
    static String jvmOption(String key, String value) {
        return "-D" + key + "=" + value.replace(":", "\\:");
    }

    void deploy(Path war) throws IOException, InterruptedException {
        admin("deploy", war.toAbsolutePath().toString());
    }

    void undeploy(String application) throws IOException, InterruptedException {
        admin("undeploy", application);
    }

    /** A command to the running domain's admin port. */
    String admin(String... command) throws IOException, InterruptedException {
        List<String> arguments = new ArrayList<>(List.of("--port", Integer.toString(adminPort())));
        arguments.addAll(List.of(command));
        return asadmin(arguments.toArray(String[]::new));
    }

    int adminPort() {
        return portBase + ADMIN_OFFSET;
    }

    URI uri(String path) {
        return URI.create("http://localhost:" + (portBase + HTTP_OFFSET) + path);
    }

    /** The server's JVM, as {@code start-domain} recorded it in the domain's {@code config/pid}. */
    Optional<ProcessHandle> process() throws IOException {
        Path pidFile = domains.resolve(name).resolve("config/pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()));
    }

    /** The names of the server's live threads, from {@code jcmd <pid> Thread.print}. */
    List<String> threadNames() throws IOException, InterruptedException {
        long pid = process().orElseThrow(() -> new IllegalStateException("the domain is not running")).pid();
        String dump = run(false, List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), "Thread.print"));
        return dump.lines().filter(line -> line.startsWith("\""))
                .map(line -> line.substring(1, line.indexOf('"', 1))).toList();
    }

    Path serverLog() {
        return domains.resolve(name).resolve("logs/server.log");
    }

    /**
     * {@code stop-domain}, then waits for the JVM to be gone; one that outlives the timeout is
     * killed by its pid, so no test run leaves a server behind.
     */
    @Override
    public void close() throws IOException, InterruptedException {
        Optional<ProcessHandle> jvm = process();
        try {
            asadmin("stop-domain", "--domaindir", domains.toString(), name);
        } finally {
            if (jvm.isPresent() && !exited(jvm.get())) {
                jvm.get().destroyForcibly();
                throw new IllegalStateException("the domain's JVM " + jvm.get().pid() + " outlived stop-domain by "
                        + STOP_TIMEOUT + " and was killed");
            }
        }
    }

    private static boolean exited(ProcessHandle jvm) throws InterruptedException {
        try {
            jvm.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    private String asadmin(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/asadmin").toString()));
        command.addAll(List.of(arguments));
        return run(true, command);
    }

    /** Runs a command to its end, its output appended to {@code asadmin.log} if logged; a failure names the command and its output. */
    private String run(boolean logged, List<String> command) throws IOException, InterruptedException {
        Path output = Files.createTempFile(domains, "command", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().put("AS_JAVA", System.getProperty("java.home"));
            Instant started = Instant.now();
            Process process = builder.start();
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException(command + " did not finish within " + COMMAND_TIMEOUT + ": " + Files.readString(output));
            }
            String text = Files.readString(output);
            if (logged) {
                Files.writeString(log, "$ " + String.join(" ", command) + "   # " + Duration.between(started, Instant.now()).toMillis()
                        + " ms, exit " + process.exitValue() + "\n" + text + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(command + " failed with exit " + process.exitValue() + ": " + text);
            }
            return text;
        } finally {
            Files.delete(output);
        }
    }

    /**
     * A port base in 20000–31899 whose listener ports are all free: below the kernel's ephemeral
     * range, so that no outgoing connection takes one before the domain binds it.
     */
    private static int freePortBase() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(200, 319) * 100;
            if (allFree(base)) {
                return base;
            }
        }
        throw new IOException("no free block of ports between 20000 and 32000");
    }

    private static boolean allFree(int base) throws IOException {
        for (int offset : PORT_OFFSETS) {
            try (ServerSocket socket = new ServerSocket(base + offset)) {
                socket.setReuseAddress(true);
            } catch (BindException taken) {
                return false;
            }
        }
        return true;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
