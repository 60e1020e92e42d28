package dev.pipeline.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A broker from the Apache Artemis distribution, created with {@code artemis create}, configured
 * with the shipped {@code server-config/broker.xml} and run with {@code artemis run} as a process
 * of its own, so that tests can stop, kill -9, freeze and restart it.
 */
final class ArtemisProcess implements AutoCloseable {

    static final String USER = "gateway";
    static final String PASSWORD = "gateway-secret";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    private final Path instance;
    private final int port;
    private Process process;
    private int starts;

    private ArtemisProcess(Path instance, int port) {
        this.instance = instance;
        this.port = port;
    }

    /** Creates an instance; {@code extraAddressSettings} is XML added before the catch-all address setting. */
    static ArtemisProcess create(Path dir, String extraAddressSettings) throws Exception {
        Files.createDirectories(dir);
        int port = PayaraMicro.freePort();
        Path instance = dir.resolve("instance-" + System.nanoTime());
        Path artemis = Path.of(System.getProperty("artemis.home"), "bin", "artemis");
        Process create = new ProcessBuilder(artemis.toString(), "create", "--user", USER, "--password", PASSWORD,
                "--require-login", "--silent", "--no-web", instance.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("create.log").toFile()).start();
        if (!create.waitFor(2, TimeUnit.MINUTES) || create.exitValue() != 0) {
            throw new IllegalStateException("artemis create failed: " + Files.readString(dir.resolve("create.log")));
        }
        String brokerXml = Files.readString(Path.of(System.getProperty("pipeline.brokerXml")))
                .replace("tcp://0.0.0.0:61616", "tcp://localhost:" + port)
                .replace("<address-setting match=\"#\">", extraAddressSettings + "<address-setting match=\"#\">");
        Files.writeString(instance.resolve("etc/broker.xml"), brokerXml);
        return new ArtemisProcess(instance, port);
    }

    String url() {
        return "tcp://localhost:" + port;
    }

    /** The URL a JMS client of the tests uses, with credentials. */
    String clientUrl() {
        return url() + "?user=" + USER + "&password=" + PASSWORD;
    }

    void start() throws IOException, InterruptedException {
        Path log = instance.resolve("run-" + (++starts) + ".log");
        process = new ProcessBuilder(instance.resolve("bin/artemis").toString(), "run")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ServerProcesses.record(process);
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!(Files.readString(log).contains("AMQ221007") && accepting())) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Artemis did not start: " + Files.readString(log));
            }
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
    }

    private boolean accepting() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** kill -9: the broker gets no chance to flush or say goodbye. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGSTOP: connections stay open, nothing answers. */
    void freeze() throws IOException, InterruptedException {
        signal("-STOP");
    }

    void thaw() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        new ProcessBuilder(List.of("kill", signal, Long.toString(process.pid()))).inheritIO().start().waitFor();
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            thaw();
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
