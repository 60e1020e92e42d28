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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The full Payara Server 6 with its default domain {@code domain1}, driven by command lines run as
 * written through {@code bash -c} in the Payara home, as server-config/payara-server.md tells an
 * operator to. Only the ports differ from the page: the test makes {@code domain1} anew on a free
 * block of ports (never Payara's defaults 4848, 8080) and gives asadmin the admin port in
 * {@code AS_ADMIN_PORT}, which asadmin reads as its {@code --port}; the page's own variables
 * ({@code $PIPELINE_ETC} and the like) come from the environment the test sets.
 */
final class PayaraServer implements AutoCloseable {

    static final String DOMAIN = "domain1";
    /** Where {@code --portbase} puts each listener; the block must be free before the domain is made. */
    private static final int ADMIN_OFFSET = 48;
    private static final int HTTP_OFFSET = 80;
    private static final int[] PORT_OFFSETS = {9, 37, 38, 39, 48, 49, 59, 66, 76, 80, 81, 86};
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final Path home;
    private final Path log;
    private final int portBase;
    private final Map<String, String> environment = new HashMap<>();

    private PayaraServer(Path home, Path log, int portBase) {
        this.home = home;
        this.log = log;
        this.portBase = portBase;
        environment.put("AS_JAVA", System.getProperty("java.home"));
        environment.put("AS_ADMIN_PORT", Integer.toString(adminPort()));
    }

    /**
     * Replaces the unpacked distribution's {@code domain1} by a new one (an admin user without
     * password, as the zip's) on a free block of ports; what the test runs is logged in {@code dir}.
     */
    static PayaraServer createDomain(Path dir) throws IOException, InterruptedException {
        Path home = Path.of(System.getProperty("payara.serverHome", "target/payara-server/payara6")).toAbsolutePath();
        if (!Files.isExecutable(home.resolve("bin/asadmin"))) {
            throw new IllegalStateException("system property payara.serverHome must name an unpacked Payara Server 6 "
                    + "(run through mvn -Ppayara6 verify); no asadmin in " + home);
        }
        Files.createDirectories(dir);
        deleteRecursively(home.resolve("glassfish/domains").resolve(DOMAIN));
        PayaraServer server = new PayaraServer(home, dir.toAbsolutePath().resolve("asadmin.log"), freePortBase());
        server.run("bin/asadmin --user admin create-domain --nopassword --portbase " + server.portBase + " " + DOMAIN);
        return server;
    }

    /** A variable the page has the reader set ({@code PIPELINE_ETC=/etc/pipeline}), in every later command's environment. */
    void set(String variable, String value) {
        environment.put(variable, value);
    }

    /** Runs each line of {@code lines} (one command a line) through {@code bash -c}; returns the last one's output. */
    String runEach(String lines) throws IOException, InterruptedException {
        String output = "";
        for (String line : lines.strip().split("\n")) {
            output = run(line);
        }
        return output;
    }

    /** One command line through {@code bash -c} in the Payara home; a failure names it and its output. */
    String run(String commandLine) throws IOException, InterruptedException {
        return run(true, List.of("bash", "-c", commandLine));
    }

    /** The Payara home the commands run in. */
    Path home() {
        return home;
    }

    int adminPort() {
        return portBase + ADMIN_OFFSET;
    }

    URI uri(String path) {
        return URI.create("http://localhost:" + (portBase + HTTP_OFFSET) + path);
    }

    /** The server's JVM, as {@code start-domain} recorded it in the domain's {@code config/pid}. */
    Optional<ProcessHandle> process() throws IOException {
        Path pidFile = domainDir().resolve("config/pid");
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
        return domainDir().resolve("logs/server.log");
    }

    private Path domainDir() {
        return home.resolve("glassfish/domains").resolve(DOMAIN);
    }

    /**
     * The page's {@code stop-domain}, then waits for the JVM to be gone; one that outlives the
     * timeout is killed by its pid, so no test run leaves a server behind.
     */
    @Override
    public void close() throws IOException, InterruptedException {
        Optional<ProcessHandle> jvm = process();
        try {
            run("bin/asadmin stop-domain domain1");
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

    /** Runs a command to its end, its output appended to {@code asadmin.log} if logged; a failure names the command and its output. */
    private String run(boolean logged, List<String> command) throws IOException, InterruptedException {
        Path output = Files.createTempFile(log.getParent(), "command", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().putAll(environment);
            Instant started = Instant.now();
            Process process = builder.start();
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException(command + " did not finish within " + COMMAND_TIMEOUT + ": " + Files.readString(output));
            }
            String text = Files.readString(output);
            if (logged) {
                Files.writeString(log, "$ " + command.get(command.size() - 1) + "   # " + Duration.between(started, Instant.now()).toMillis()
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
