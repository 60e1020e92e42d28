package dev.pipeline.it;

import static dev.pipeline.it.Responses.messageIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipeline.testing.SchemaCatalogues;
import jakarta.json.Json;
import java.io.IOException;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped WAR dropped into the full Payara Server 6, configured and deployed with the
 * README's {@code asadmin} commands, against a broker that requires login (the broker password as a
 * password alias, not a JVM option): it stores a message, an undeploy leaves no thread and no
 * broker connection of ours behind, and a second deploy stores a message again.
 *
 * <p>Not an Arquillian container: {@code arquillian-payara-server-managed} for Payara 6 (3.x) is
 * not on Maven Central, and 2.x drives Payara 5 ({@code javax}). Driving {@code asadmin} also
 * tests the exact commands an operator runs.
 */
class PayaraServerIT {

    private static final Path DIR = Path.of(System.getProperty("pipeline.testDir", "target/it")).toAbsolutePath().resolve("payara-server");
    private static final Duration CLEAN_UP_TIMEOUT = Duration.ofSeconds(30);
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
    void warDeploysStoresMessagesAndUndeploysLeavingNoThreadOrBrokerConnectionBehind() throws Exception {
        try (TestBroker broker = TestBroker.startRequiringLogin(PayaraMicro.freePort(), DIR.resolve("broker-" + System.nanoTime()),
                List.of("orders"))) {
            // The order schemas (Jackson 3 and networknt in the WAR, next to the server's own Jackson 2).
            SchemaCatalogues.copySchemas(DIR);
            Path catalogue = TestFiles.write(DIR.resolve("topics.json"), """
                    { "topics": [ { "name": "orders", "ttl": "PT1H", "producers": ["orders-writer"],
                                    "schemas": [ { "ref": "%s", "version": "2", "file": "schemas/order-2.json" } ] } ] }
                    """.formatted(SchemaCatalogues.ORDER_REF));
            Path publicKey = TestTokens.writePublicKey(DIR.resolve("publicKey.pem"));
            try (PayaraServer server = PayaraServer.createDomain(DIR, "pipeline-it")) {
                server.start();
                Map<String, String> configuration = Map.of(
                        "pipeline.broker.url", broker.url(),
                        "pipeline.broker.user", ArtemisProcess.USER,
                        "pipeline.topics.file", catalogue.toString(),
                        "mp.jwt.verify.publickey.location", publicKey.toUri().toString(),
                        "mp.jwt.verify.issuer", TestTokens.ISSUER,
                        "jakarta.json.provider", "org.eclipse.parsson.JsonProviderImpl");
                for (Map.Entry<String, String> key : configuration.entrySet()) {
                    server.createSystemProperty(key.getKey(), key.getValue());
                }
                createPasswordAlias(server, "pipeline.broker.password", ArtemisProcess.PASSWORD);
                String options = server.admin("list-jvm-options");
                configuration.forEach((key, value) -> assertTrue(options.contains("-D" + key + "=" + value + "\n"),
                        () -> "the escaped option reads back as -D" + key + "=" + value + ": " + options));
                assertFalse(options.contains(ArtemisProcess.PASSWORD), () -> "the broker password is not a JVM option: " + options);
                server.restart();
                Path war = Path.of(System.getProperty("pipeline.war", "target/pipeline.war"));

                server.deploy(war);
                assertProduceIsStored(server, broker, "first deployment");
                List<String> ourThreads = server.threadNames().stream().filter(OURS).toList();
                assertTrue(ourThreads.contains("pipeline-send-1"), () -> "a deployed WAR runs its senders: " + ourThreads);
                assertTrue(ourThreads.contains("pipeline-expire-1"), () -> "a deployed WAR runs its expiry thread: " + ourThreads);
                assertTrue(ourThreads.stream().anyMatch(name -> name.endsWith("(activemq-client-remoting)")),
                        () -> "a deployed WAR runs the Artemis client's threads: " + ourThreads);
                assertFalse(broker.connections().isEmpty(), "a deployed WAR is connected to the broker");

                long logBeforeUndeploy = Files.size(server.serverLog());
                server.undeploy("pipeline");
                assertNothingOfOursLeft(server, broker);
                assertEquals(List.of(), crashedThreadsOfOurs(server.serverLog(), logBeforeUndeploy),
                        "no thread of ours ends in an exception (such as classes no longer loadable) after undeploy");

                server.deploy(war);
                assertProduceIsStored(server, broker, "second deployment");
            }
        }
    }

    /**
     * {@code create-password-alias} named as the configuration key, which Payara's MicroProfile Config
     * reads from the domain's password alias store: the password in a file only for the command, never
     * in a JVM option.
     */
    private static void createPasswordAlias(PayaraServer server, String key, String password) throws Exception {
        Path passwordFile = DIR.resolve("alias-password.txt");
        Files.deleteIfExists(passwordFile);
        Files.createFile(passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(passwordFile, "AS_ADMIN_ALIASPASSWORD=" + password + "\n");
            server.admin("--passwordfile", passwordFile.toString(), "create-password-alias", key);
        } finally {
            Files.delete(passwordFile);
        }
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
