package dev.pipeline.it;

import static dev.pipeline.it.Responses.messageIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipeline.testing.SchemaCatalogues;
import jakarta.json.Json;
import jakarta.json.JsonString;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped WAR dropped into the full Payara Server 6, configured, deployed, restarted and
 * stopped with the command lines of server-config/payara-server.md, run as written (the page's
 * variables set in their environment, the admin port of the test's own domain in
 * {@code AS_ADMIN_PORT}), against a broker that requires login (the broker password as a password
 * alias, not a JVM option): it stores a message, an undeploy leaves no thread and no broker
 * connection of ours behind, a second deploy stores a message again, and what a producer sees
 * while the domain restarts is recorded, every message answered 200 meanwhile stored.
 *
 * <p>Not an Arquillian container: {@code arquillian-payara-server-managed} for Payara 6 (3.x) is
 * not on Maven Central, and 2.x drives Payara 5 ({@code javax}). Driving {@code asadmin} also
 * tests the exact commands an operator runs.
 */
class PayaraServerIT {

    /** The page's "Configuration" block, one command a line. */
    static final String CONFIGURE = """
            bin/asadmin start-domain domain1
            bin/asadmin create-jvm-options "-Dpipeline.broker.url=tcp\\://$BROKER_HOST\\:$BROKER_PORT"
            bin/asadmin create-jvm-options "-Dpipeline.broker.user=$BROKER_USER"
            bin/asadmin create-jvm-options "-Dpipeline.topics.file=$PIPELINE_ETC/topics.json"
            bin/asadmin create-jvm-options "-Dmp.jwt.verify.publickey.location=file\\:$PIPELINE_ETC/publicKey.pem"
            bin/asadmin create-jvm-options "-Dmp.jwt.verify.issuer=https\\://$ISSUER_HOST"
            bin/asadmin create-jvm-options -Djakarta.json.provider=org.eclipse.parsson.JsonProviderImpl
            """;
    static final String LIST_JVM_OPTIONS = "bin/asadmin list-jvm-options";

    /** The page's "Broker password" block: the alias named as the configuration key, its file deleted after. */
    static final String PASSWORD_ALIAS = """
            (umask 077 && echo "AS_ADMIN_ALIASPASSWORD=$(cat "$PIPELINE_ETC/broker-password")" > alias-password.txt)
            bin/asadmin --passwordfile alias-password.txt create-password-alias pipeline.broker.password
            rm alias-password.txt
            """;

    /** The page's "Server settings" block: server-config/pre-boot-commands.asadmin for Payara Server's http-listener-1. */
    static final String SERVER_SETTINGS = """
            bin/asadmin set configs.config.server-config.thread-pools.thread-pool.http-thread-pool.max-thread-pool-size=64 \
                configs.config.server-config.thread-pools.thread-pool.http-thread-pool.min-thread-pool-size=16 \
                configs.config.server-config.network-config.protocols.protocol.http-listener-1.http.max-connections=10000 \
                configs.config.server-config.network-config.protocols.protocol.http-listener-1.http.timeout-seconds=30 \
                configs.config.server-config.network-config.protocols.protocol.http-listener-1.http.request-timeout-seconds=30 \
                configs.config.server-config.network-config.protocols.protocol.http-listener-1.http.header-buffer-length-bytes=16384
            bin/asadmin set-log-levels fish.payara.microprofile.jwtauth.eesecurity.SignedJWTIdentityStore=WARNING:org.jboss.weld.Context=SEVERE:org.jboss.weld.Conversation=SEVERE:org.jboss.weld.Servlet=SEVERE
            """;

    static final String RESTART = "bin/asadmin restart-domain domain1";
    static final String DEPLOY = "bin/asadmin deploy \"$PIPELINE_WAR\"";
    static final String UNDEPLOY = "bin/asadmin undeploy pipeline";

    private static final Path DIR = Path.of(System.getProperty("pipeline.testDir", "target/it")).toAbsolutePath().resolve("payara-server");
    private static final Duration CLEAN_UP_TIMEOUT = Duration.ofSeconds(30);
    /** From restart-domain's return to the WAR's first 200, at most (about 25 s seen on a busy 2-core machine). */
    private static final Duration SERVING_AGAIN_TIMEOUT = Duration.ofSeconds(120);
    /**
     * What a producer was seen to get while the domain restarts: the WAR's 200 and 503 (its drain),
     * Payara's own 404 and 500 while the WAR is undeployed or not loaded yet, a refused connection
     * while the server is down, and a request held past curl's 10 s while the server starts.
     */
    private static final Set<String> RESTART_ANSWERS = Set.of("200", "503", "404", "500", "refused", "timeout");
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * Threads the WAR starts, by the names it gives them: senders {@code pipeline-send-<n>}, the
     * {@code pipeline-respond-} pool and {@code pipeline-expire-1}; the Artemis client's
     * pools and Netty event loops are {@code Thread-<n> (activemq-client-global)},
     * {@code (activemq-client-global-scheduled)}, {@code (activemq-client-remoting)}. Payara Server
     * itself runs no Artemis (its JMS is OpenMQ).
     */
    private static final Predicate<String> OURS = name -> name.startsWith("pipeline-")
            || name.toLowerCase(Locale.ROOT).contains("activemq");

    private static final Pattern UNCAUGHT = Pattern.compile("Exception in thread \"([^\"]+)\"");

    @Test
    void warDeploysStoresMessagesUndeploysLeavingNothingBehindAndSurvivesARestart() throws Exception {
        try (TestBroker broker = TestBroker.startRequiringLogin(PayaraMicro.freePort(), DIR.resolve("broker-" + System.nanoTime()),
                List.of("orders"))) {
            // The order schemas (Jackson 3 and networknt in the WAR, next to the server's own Jackson 2).
            SchemaCatalogues.copySchemas(DIR);
            TestFiles.write(DIR.resolve("topics.json"), """
                    { "topics": [ { "name": "orders", "ttl": "PT1H", "producers": ["orders-writer"],
                                    "schemas": [ { "ref": "%s", "version": "2", "file": "schemas/order-2.json" } ] } ] }
                    """.formatted(SchemaCatalogues.ORDER_REF));
            TestTokens.writePublicKey(DIR.resolve("publicKey.pem"));
            writeReadableByOwnerOnly(DIR.resolve("broker-password"), ArtemisProcess.PASSWORD + "\n");
            try (PayaraServer server = PayaraServer.createDomain(DIR)) {
                server.set("PIPELINE_ETC", DIR.toString());
                server.set("PIPELINE_WAR", Path.of(System.getProperty("pipeline.war", "target/pipeline.war")).toAbsolutePath().toString());
                server.set("BROKER_HOST", "localhost");
                server.set("BROKER_PORT", broker.url().substring(broker.url().lastIndexOf(':') + 1));
                server.set("BROKER_USER", ArtemisProcess.USER);
                server.set("ISSUER_HOST", URI.create(TestTokens.ISSUER).getHost());

                server.runEach(CONFIGURE);
                server.runEach(PASSWORD_ALIAS);
                assertFalse(Files.exists(server.home().resolve("alias-password.txt")), "the alias password file is gone");
                String options = server.run(LIST_JVM_OPTIONS);
                Map.of("pipeline.broker.url", broker.url(),
                        "pipeline.broker.user", ArtemisProcess.USER,
                        "pipeline.topics.file", DIR.resolve("topics.json").toString(),
                        "mp.jwt.verify.publickey.location", "file:" + DIR.resolve("publicKey.pem"),
                        "mp.jwt.verify.issuer", TestTokens.ISSUER,
                        "jakarta.json.provider", "org.eclipse.parsson.JsonProviderImpl")
                        .forEach((key, value) -> assertTrue(options.contains("-D" + key + "=" + value + "\n"),
                                () -> "the escaped option reads back as -D" + key + "=" + value + ": " + options));
                assertFalse(options.contains(ArtemisProcess.PASSWORD), () -> "the broker password is not a JVM option: " + options);
                server.runEach(SERVER_SETTINGS);
                server.run(RESTART);

                server.run(DEPLOY);
                assertProduceIsStored(server, broker, "first deployment");
                List<String> ourThreads = server.threadNames().stream().filter(OURS).toList();
                assertTrue(ourThreads.contains("pipeline-send-1"), () -> "a deployed WAR runs its senders: " + ourThreads);
                assertTrue(ourThreads.contains("pipeline-expire-1"), () -> "a deployed WAR runs its expiry thread: " + ourThreads);
                assertTrue(ourThreads.stream().anyMatch(name -> name.endsWith("(activemq-client-remoting)")),
                        () -> "a deployed WAR runs the Artemis client's threads: " + ourThreads);
                assertFalse(broker.connections().isEmpty(), "a deployed WAR is connected to the broker");

                long logBeforeUndeploy = Files.size(server.serverLog());
                server.run(UNDEPLOY);
                assertNothingOfOursLeft(server, broker);
                assertEquals(List.of(), crashedThreadsOfOurs(server.serverLog(), logBeforeUndeploy),
                        "no thread of ours ends in an exception (such as classes no longer loadable) after undeploy");

                server.run(DEPLOY);
                assertProduceIsStored(server, broker, "second deployment");

                assertRestartKeepsEveryAnsweredMessage(server, broker);
            }
        }
    }

    /**
     * Produces one message after another while {@code restart-domain} runs and until the WAR answers
     * 200 again, each on a new connection, recording every outcome: the answers while Payara stops
     * and starts are what the page describes, and every message answered 200 is on the topic.
     */
    private static void assertRestartKeepsEveryAnsweredMessage(PayaraServer server, TestBroker broker) throws Exception {
        URI messages = server.uri("/pipeline/topics/orders/messages");
        String token = TestTokens.serviceToken("orders-writer").sign();
        try (TestBroker.Subscription subscription = broker.subscribe("orders")) {
            ExecutorService restarter = Executors.newSingleThreadExecutor();
            List<String> outcomes = new ArrayList<>();
            List<Instant> times = new ArrayList<>();
            List<String> stored = new ArrayList<>();
            try {
                Future<String> restart = restarter.submit(() -> server.run(RESTART));
                Instant deadline = null;
                boolean stopped = false;
                while (true) {
                    Outcome outcome = Outcome.of(messages, token, "{\"message\":\"during restart " + outcomes.size() + "\"}");
                    outcomes.add(outcome.kind());
                    times.add(Instant.now());
                    stored.addAll(outcome.messageIds());
                    stopped |= !outcome.kind().equals("200");
                    if (restart.isDone() && deadline == null) {
                        restart.get();
                        deadline = Instant.now().plus(SERVING_AGAIN_TIMEOUT);
                    }
                    if (stopped && restart.isDone() && outcome.kind().equals("200")) {
                        break;
                    }
                    assertTrue(deadline == null || Instant.now().isBefore(deadline),
                            () -> "no 200 within " + SERVING_AGAIN_TIMEOUT + " of restart-domain's return: " + runs(outcomes));
                    TimeUnit.MILLISECONDS.sleep(50);
                }
            } finally {
                restarter.shutdownNow();
            }
            System.out.println("PayaraServerIT: answers while the domain restarted: " + runs(outcomes, times));
            Files.writeString(DIR.resolve("restart-outcomes.txt"), runs(outcomes, times) + "\n");
            // A request whose answer the client gave up on may have been stored all the same (its retry
            // with the same id would be recognised): at most one more message each, never one answered
            // otherwise.
            long unanswered = outcomes.stream().filter("timeout"::equals).count();
            List<String> received = new ArrayList<>();
            while (!received.containsAll(stored) && received.size() < stored.size() + unanswered) {
                received.add(subscription.next().getStringProperty("messageId"));
            }
            assertEquals(stored, received.stream().filter(stored::contains).toList(),
                    "every message answered 200 during the restart reached the subscription, in order; received " + received);
            assertEquals(received.size(), Set.copyOf(received).size(), "a message stored twice: " + received);
            assertTrue(RESTART_ANSWERS.containsAll(outcomes), () -> "while the domain restarts a producer gets only "
                    + RESTART_ANSWERS + " (never a reset, nor a connection closed without an answer): " + runs(outcomes));
            int lastRefused = outcomes.lastIndexOf("refused");
            assertTrue(lastRefused >= 0 && outcomes.subList(lastRefused, outcomes.size()).contains("404"),
                    () -> "as the page says, the restarted server answers 404 until the WAR is loaded; if no longer, "
                            + "change server-config/payara-server.md: " + runs(outcomes));
        }
    }

    /** Outcomes as runs with the time each run lasted, {@code 200 x12 0.9 s, 503 x1 0 s, refused x40 8.1 s, ...}. */
    private static String runs(List<String> outcomes, List<Instant> times) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < outcomes.size(); ) {
            int j = i;
            while (j < outcomes.size() && outcomes.get(j).equals(outcomes.get(i))) {
                j++;
            }
            text.append(text.length() == 0 ? "" : ", ").append(outcomes.get(i)).append(" x").append(j - i).append(' ')
                    .append(Duration.between(times.get(i), times.get(j - 1)).toMillis() / 100 / 10.0).append(" s");
            i = j;
        }
        return text.toString();
    }

    /** Outcomes as runs, {@code 200 x12, 503 x1, refused x40, 404 x80, 200 x1}. */
    private static String runs(List<String> outcomes) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < outcomes.size(); ) {
            int j = i;
            while (j < outcomes.size() && outcomes.get(j).equals(outcomes.get(i))) {
                j++;
            }
            text.append(text.length() == 0 ? "" : ", ").append(outcomes.get(i)).append(" x").append(j - i);
            i = j;
        }
        return text.toString();
    }

    /**
     * One produce request by {@code curl} on a connection of its own (so that a connection the
     * server closed while idle is never taken for one it reset under a request): the status, or
     * what went wrong at the socket.
     */
    private record Outcome(String kind, List<String> messageIds) {

        static Outcome of(URI uri, String token, String json) throws IOException, InterruptedException {
            Process curl = new ProcessBuilder("curl", "-sS", "--max-time", "10", "-o", "-", "-w", "\n%{http_code}", "-X", "POST",
                    "-H", "Authorization: Bearer " + token, "-H", "Content-Type: application/json", "--data-binary", json,
                    uri.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = curl.waitFor();
            String kind = switch (exit) {
                case 0 -> output.substring(output.lastIndexOf('\n') + 1);
                case 7 -> "refused";
                case 28 -> "timeout";
                case 52 -> "closed without answer";
                case 56 -> "reset";
                default -> "curl exit " + exit;
            };
            if (!kind.equals("200")) {
                return new Outcome(kind, List.of());
            }
            String body = output.substring(0, output.lastIndexOf('\n'));
            return new Outcome(kind, Json.createReader(new StringReader(body)).readObject().getJsonArray("messageIds")
                    .getValuesAs(JsonString.class).stream().map(JsonString::getString).toList());
        }
    }

    private static void writeReadableByOwnerOnly(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content);
    }

    /** A single message and a batch of two, each answered 200 and found on a new subscription. */
    private static void assertProduceIsStored(PayaraServer server, TestBroker broker, String deployment) throws Exception {
        URI messages = server.uri("/pipeline/topics/orders/messages");
        String token = TestTokens.serviceToken("orders-writer").sign();
        try (TestBroker.Subscription subscription = broker.subscribe("orders")) {
            List<String> ids = new ArrayList<>(messageIds(produce(messages, token, "{\"message\":\"single\"}")));
            ids.addAll(messageIds(produce(messages, token, "[{\"message\":\"batch 1\"},{\"message\":\"batch 2\"}]")));
            String order = "{\"schemaRef\":\"" + SchemaCatalogues.ORDER_REF + "\",\"message\":"
                    + Json.createValue(SchemaCatalogues.order()).toString() + "}";
            ids.addAll(messageIds(produce(messages, token, order)));
            HttpResponse<String> invalid = produce(messages, token, order.replace("EUR", "euro"));
            assertEquals(400, invalid.statusCode(), deployment + ": an order failing its schema: " + invalid.body());
            assertTrue(invalid.body().contains("/currency"), deployment + ": " + invalid.body());
            List<String> received = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                received.add(subscription.next().getStringProperty("messageId"));
            }
            assertEquals(ids, received, deployment + ": every message reached the subscription");
        }
        HttpResponse<String> forged = produce(messages, TestTokens.serviceToken("orders-writer").signedWithForeignKey().sign(),
                "{\"message\":\"forged\"}");
        assertEquals(401, forged.statusCode(), deployment + ": a token of another key: " + forged.body());
        assertTrue(forged.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"), deployment);
    }

    /**
     * Polls until no thread of ours runs in the server and no client is connected to the test
     * broker (the test's own subscriptions are closed by then), or fails naming what is left.
     */
    private static void assertNothingOfOursLeft(PayaraServer server, TestBroker broker) throws Exception {
        Instant deadline = Instant.now().plus(CLEAN_UP_TIMEOUT);
        List<String> threads = server.threadNames().stream().filter(OURS).toList();
        List<String> connections = broker.connections();
        while ((!threads.isEmpty() || !connections.isEmpty()) && Instant.now().isBefore(deadline)) {
            TimeUnit.MILLISECONDS.sleep(200);
            threads = server.threadNames().stream().filter(OURS).toList();
            connections = broker.connections();
        }
        assertEquals(List.of(), threads, "threads of ours still running " + CLEAN_UP_TIMEOUT + " after undeploy");
        assertEquals(List.of(), connections, "broker connections still open " + CLEAN_UP_TIMEOUT + " after undeploy");
    }

    private static List<String> crashedThreadsOfOurs(Path log, long from) throws IOException {
        byte[] all = Files.readAllBytes(log);
        String written = new String(all, (int) from, all.length - (int) from, StandardCharsets.UTF_8);
        return UNCAUGHT.matcher(written).results().map(match -> match.group(1)).filter(OURS).toList();
    }

    private static HttpResponse<String> produce(URI uri, String token, String json) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
