package dev.pipeline.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientRequestor;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.management.ManagementHelper;
import org.apache.activemq.artemis.api.core.management.ResourceNames;

/**
 * A broker from the Apache Artemis distribution, created with {@code artemis create}, configured
 * with the shipped {@code server-config/broker.xml} and run with {@code artemis run} as a process
 * of its own, so that tests can stop, kill -9, freeze and restart it.
 */
final class ArtemisProcess implements AutoCloseable {

    static final String USER = "gateway";
    static final String PASSWORD = "gateway-secret";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    /** Logged when a broker is active: it serves clients. */
    static final String ACTIVE = "AMQ221007";
    /** Logged by a replicating backup once it holds a full copy of the active broker's journal. */
    static final String SYNCHRONISED = "AMQ221024";

    private final Path instance;
    private final int port;
    private final Map<String, String> environment;
    private Process process;
    private Path log;
    private int starts;

    private ArtemisProcess(Path instance, int port, Map<String, String> environment) {
        this.instance = instance;
        this.port = port;
        this.environment = environment;
    }

    /** Creates an instance; {@code extraAddressSettings} is XML added before the catch-all address setting. */
    static ArtemisProcess create(Path dir, String extraAddressSettings) throws Exception {
        int port = PayaraMicro.freePort();
        Path instance = createInstance(dir);
        String brokerXml = Files.readString(Path.of(System.getProperty("pipeline.brokerXml")))
                .replace("tcp://0.0.0.0:61616", "tcp://localhost:" + port)
                .replace("<address-setting match=\"#\">", extraAddressSettings + "<address-setting match=\"#\">");
        Files.writeString(instance.resolve("etc/broker.xml"), brokerXml);
        return new ArtemisProcess(instance, port, Map.of());
    }

    /**
     * Creates an instance that accepts TLS connections only: {@code server-config/broker.xml} with its
     * acceptor replaced by the one of {@code server-config/tls/broker-acceptor.xml}, on a port of this
     * host, reading the key store and its password from the environment variables that file names.
     */
    static ArtemisProcess createTls(Path dir, Path keyStore, String keyStorePassword) throws Exception {
        int port = PayaraMicro.freePort();
        Path instance = createInstance(dir);
        Path shipped = Path.of(System.getProperty("pipeline.brokerXml"));
        String tlsAcceptor = Files.readString(shipped.resolveSibling("tls/broker-acceptor.xml"))
                .replaceAll("(?s)<!--.*?-->", "").strip()
                .replace("tcp://0.0.0.0:61617", "tcp://localhost:" + port);
        String brokerXml = Files.readString(shipped).replaceFirst("<acceptor name=\"artemis\">[^<]*</acceptor>",
                java.util.regex.Matcher.quoteReplacement(tlsAcceptor));
        if (!brokerXml.contains("sslEnabled=true")) {
            throw new IllegalStateException("the TLS acceptor did not replace broker.xml's acceptor");
        }
        Files.writeString(instance.resolve("etc/broker.xml"), brokerXml);
        return new ArtemisProcess(instance, port, Map.of("BROKER_KEYSTORE", keyStore.toString(),
                "BROKER_KEYSTORE_PASSWORD", keyStorePassword));
    }

    /**
     * One broker of a replicated pair on this host: {@code server-config/broker-<role>.xml} as
     * shipped, told where it and its partner listen through the {@code PAIR_*} environment
     * variables that file reads.
     */
    static ArtemisProcess createPairMember(Path dir, String role, int port, int peerPort) throws Exception {
        Path instance = createInstance(dir);
        Path shipped = Path.of(System.getProperty("pipeline.brokerXml")).resolveSibling("broker-" + role + ".xml");
        Files.copy(shipped, instance.resolve("etc/broker.xml"), StandardCopyOption.REPLACE_EXISTING);
        return new ArtemisProcess(instance, port, Map.of("PAIR_SELF_HOST", "localhost", "PAIR_PEER_HOST", "localhost",
                "PAIR_SELF_PORT", Integer.toString(port), "PAIR_PEER_PORT", Integer.toString(peerPort),
                "PAIR_CLUSTER_PASSWORD", "pair-secret"));
    }

    private static Path createInstance(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path instance = dir.resolve("instance-" + System.nanoTime());
        Path artemis = Path.of(System.getProperty("artemis.home"), "bin", "artemis");
        Process create = new ProcessBuilder(artemis.toString(), "create", "--user", USER, "--password", PASSWORD,
                "--require-login", "--silent", "--no-web", instance.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("create.log").toFile()).start();
        if (!create.waitFor(2, TimeUnit.MINUTES) || create.exitValue() != 0) {
            throw new IllegalStateException("artemis create failed: " + Files.readString(dir.resolve("create.log")));
        }
        return instance;
    }

    String url() {
        return "tcp://localhost:" + port;
    }

    /** The URL a JMS client of the tests uses, with credentials. */
    String clientUrl() {
        return url() + "?user=" + USER + "&password=" + PASSWORD;
    }

    /** Starts the broker and returns once it is active and accepts connections. */
    void start() throws IOException, InterruptedException {
        launch();
        awaitLogged(ACTIVE, 1);
        await(this::accepting, "accepting connections");
    }

    /** Starts the backup of a pair and returns once it is synchronised with the active broker. */
    void startBackup() throws IOException, InterruptedException {
        launch();
        awaitLogged(SYNCHRONISED, 1);
    }

    private void launch() throws IOException {
        log = instance.resolve("run-" + (++starts) + ".log");
        ProcessBuilder builder = new ProcessBuilder(instance.resolve("bin/artemis").toString(), "run")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        process = builder.start();
        ServerProcesses.record(process);
    }

    /** Waits until this run's log has the message code {@code times} times, failing if the broker exits. */
    void awaitLogged(String code, int times) throws IOException, InterruptedException {
        await(() -> logged(code) >= times, code + " logged " + times + " time(s)");
    }

    /**
     * Waits until this run's log has the message code {@code times} times; false if the broker
     * exited before it logged them.
     */
    boolean awaitLoggedUnlessExited(String code, int times) throws IOException, InterruptedException {
        await(() -> logged(code) >= times || !process.isAlive(), code + " logged " + times + " time(s) or an exit");
        return logged(code) >= times;
    }

    /** The exit code of the broker's last run, which must have ended. */
    int exitValue() {
        return process.exitValue();
    }

    /** How often this run of the broker has logged the message code. */
    int logged(String code) throws IOException {
        return (int) Pattern.compile(code + ":").matcher(Files.readString(log)).results().count();
    }

    private interface Condition {
        boolean holds() throws IOException;
    }

    private void await(Condition condition, String what) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!condition.holds()) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Artemis " + instance.getFileName() + ": not " + what + " within "
                        + START_TIMEOUT + (process.isAlive() ? "" : " (exited with " + process.exitValue() + ")") + ": " + Files.readString(log));
            }
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
    }

    int port() {
        return port;
    }

    /**
     * What the broker counts towards an address's {@code max-size-bytes} (messages routed to it,
     * those of open transactions included), asked through its core management address.
     */
    long addressSize(String address) throws Exception {
        return ((Number) attribute(ResourceNames.ADDRESS + address, "addressSize")).longValue();
    }

    /** Messages in the queue, those being delivered included, as the broker reports them. */
    long messageCount(String queue) throws Exception {
        return ((Number) attribute(ResourceNames.QUEUE + queue, "messageCount")).longValue();
    }

    /** Consumers attached to the queue; 0 while the broker knows no such queue. */
    int consumerCount(String queue) throws Exception {
        try {
            return ((Number) attribute(ResourceNames.QUEUE + queue, "consumerCount")).intValue();
        } catch (IllegalStateException noSuchQueue) {
            return 0;
        }
    }

    /** The address's size, and each of its queues' messages and messages being delivered, as the broker reports them. */
    String describeAddress(String address) throws Exception {
        StringBuilder text = new StringBuilder(address).append(": size ").append(addressSize(address)).append(" B");
        for (Object queue : (Object[]) attribute(ResourceNames.ADDRESS + address, "queueNames")) {
            text.append(", queue ").append(queue).append(" messages ")
                    .append(attribute(ResourceNames.QUEUE + queue, "messageCount")).append(" delivering ")
                    .append(attribute(ResourceNames.QUEUE + queue, "deliveringCount"));
        }
        return text.toString();
    }

    private Object attribute(String resource, String attribute) throws Exception {
        try (ServerLocator locator = ActiveMQClient.createServerLocator(url());
                ClientSessionFactory factory = locator.createSessionFactory();
                ClientSession session = factory.createSession(USER, PASSWORD, false, true, true, false, 0)) {
            ClientRequestor requestor = new ClientRequestor(session, "activemq.management");
            ClientMessage request = session.createMessage(false);
            ManagementHelper.putAttribute(request, resource, attribute);
            session.start();
            ClientMessage reply = requestor.request(request, 10_000);
            if (reply == null || !ManagementHelper.hasOperationSucceeded(reply)) {
                throw new IllegalStateException("the broker did not tell " + resource + "'s " + attribute + ": "
                        + (reply == null ? "no answer" : ManagementHelper.getResult(reply)));
            }
            return ManagementHelper.getResult(reply);
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
