package dev.pipeline.it;

import static dev.pipeline.it.Responses.messageIds;
import static dev.pipeline.it.Responses.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The production TLS shape of {@code server-config/tls/}: the stores made by its
 * {@code make-stores.sh}, an Apache Artemis distribution broker whose one acceptor is the TLS
 * acceptor of {@code broker-acceptor.xml}, and the gateway booted with the HTTPS boot files, its
 * broker URL (trust store password included) and broker password in the environment. A producer's
 * token goes over HTTPS only, the message over TLS only; a broker certificate the gateway cannot
 * trust for the host it connects to is a broker it cannot reach (503, not ready), never a link
 * without TLS or without the check.
 */
class TlsIT extends StockPayaraTest {

    private static final String INSTANCE = "tls";
    private static final String TOKEN = TestTokens.serviceToken("orders-writer").sign();
    private static final String CATALOGUE = """
            { "topics": [ { "name": "orders", "ttl": "PT1H", "producers": ["orders-writer"] } ] }
            """;
    /** The commands of server-config/tls/README.md, run as written. */
    static final String MAKE_STORES = "server-config/tls/make-stores.sh $TLS_DIR $BROKER_HOSTS $GATEWAY_HOSTS";
    private static final String JOIN_PRE_BOOT_COMMANDS =
            "cat server-config/pre-boot-commands.asadmin server-config/tls/pre-boot-commands-https.asadmin > $PAYARA_CONFIG/pre-boot-commands.asadmin";
    private static final String JOIN_SYSTEM_PROPERTIES =
            "cat server-config/system.properties $TLS_PROPERTIES > $PAYARA_CONFIG/system.properties";

    private static TlsStores stores;
    private static ArtemisProcess broker;

    @BeforeAll
    static void startTlsBroker() throws Exception {
        Path dir = PayaraMicro.instanceDir(INSTANCE);
        stores = TlsStores.make(MAKE_STORES, dir.resolve("stores"), "localhost", "localhost");
        broker = ArtemisProcess.createTls(dir.resolve("broker"), stores.brokerKeyStore(), TlsStores.PASSWORD);
        broker.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void overHttpsAndTlsToTheBrokerAMessageIsAnswered200AndStoredTheTokenNeverGoesOverPlainHttpAndSigtermClosesHttps() throws Exception {
        Path dir = PayaraMicro.instanceDir(INSTANCE).resolve("https");
        int httpsPort = PayaraMicro.freePort();
        Map<String, String> bootFiles = httpsBootFiles(dir, httpsPort);
        String brokerUrl = stores.brokerUrl("localhost", broker.port());
        Map<String, String> properties = gatewayProperties(dir);
        // Secrets in the environment, off the command line: the trust store password is in the URL.
        Map<String, String> environment = Map.of("PIPELINE_BROKER_URL", brokerUrl,
                "PIPELINE_BROKER_PASSWORD", ArtemisProcess.PASSWORD);
        Map<String, String> configuration = new LinkedHashMap<>(bootFiles);
        configuration.put("systemProperties", PayaraMicroConfiguration.lines(properties));
        configuration.put("environment", PayaraMicroConfiguration.lines(environment));

        try (DurableSubscription stored = DurableSubscription.create(clientUrl(), "orders");
                StockGateway gateway = StockGateway.launch(containers, deployer, "tls-https", configuration)) {
            gateway.deploy();
            HttpClient https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(stores.clientContext())
                    .connectTimeout(Duration.ofSeconds(5)).build();

            HttpResponse<String> produced = https.send(produce(gateway.payara().uri("")), BodyHandlers.ofString());

            assertEquals(200, produced.statusCode(), produced.body());
            stored.drain();
            stored.awaitReceived(messageIds(produced).get(0), Duration.ofSeconds(10));
            assertThrows(ConnectException.class,
                    () -> HttpClient.newHttpClient().send(produce(gateway.payara().httpUri("")), BodyHandlers.ofString()),
                    "the plain HTTP listener took a connection");
            String commandLine = Files.readString(Path.of("/proc", Long.toString(gateway.payara().pid()), "cmdline"));
            for (String secret : List.of(TlsStores.PASSWORD, ArtemisProcess.PASSWORD)) {
                assertFalse(commandLine.contains(secret), "a password on Payara's command line: " + commandLine);
            }

            // SIGTERM: once drained, the HTTPS listener is closed too, before Payara undeploys the WAR.
            ProcessHandle.of(gateway.payara().pid()).orElseThrow().destroy();
            LogMarkers.awaitLog(gateway.payara(), "HTTP listener closed: new connections are refused");
            HttpClient newConnection = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(stores.clientContext())
                    .connectTimeout(Duration.ofSeconds(5)).build();
            assertThrows(ConnectException.class, () -> newConnection.send(produce(gateway.payara().uri("")), BodyHandlers.ofString()),
                    "the HTTPS listener took a connection after the service had drained");
        }
    }

    @Test
    void aBrokerCertificateTheTrustStoreDoesNotTrustIsABrokerNotReachable() throws Exception {
        // The JDK's own trust store: public authorities, not the one that signed the broker's certificate.
        Path publicAuthorities = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
        String brokerUrl = "tcp://localhost:" + broker.port() + "?sslEnabled=true&trustStorePath=" + publicAuthorities
                + "&trustStorePassword=changeit&trustStoreType=PKCS12";

        assertNotReachableOverTls("tls-untrusted", brokerUrl, "PKIX path building failed");
    }

    @Test
    void aBrokerCertificateForAnotherHostNameIsABrokerNotReachable() throws Exception {
        // The certificate names localhost; the gateway connects to 127.0.0.1, the same broker.
        assertNotReachableOverTls("tls-wrong-host", stores.brokerUrl("127.0.0.1", broker.port()),
                "No subject alternative names matching IP address 127.0.0.1");
    }

    /** Produce answered 503 with Retry-After, not ready with the broker check DOWN, and the log says why. */
    private void assertNotReachableOverTls(String instance, String brokerUrl, String handshakeFailure) throws Exception {
        Path dir = PayaraMicro.instanceDir(INSTANCE).resolve(instance);
        Map<String, String> properties = gatewayProperties(dir);
        properties.put("pipeline.broker.url", brokerUrl);
        properties.put("pipeline.broker.password", ArtemisProcess.PASSWORD);
        try (StockGateway gateway = startStock(instance, properties)) {
            HttpResponse<String> produced = HttpClient.newHttpClient().send(produce(gateway.payara().uri("")), BodyHandlers.ofString());
            HttpResponse<String> ready = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(gateway.payara().uri("/health/ready")).build(), BodyHandlers.ofString());

            problem(produced, 503);
            assertTrue(Integer.parseInt(produced.headers().firstValue("Retry-After").orElseThrow()) > 0, produced.headers().toString());
            assertEquals(503, ready.statusCode(), ready.body());
            JsonObject brokerCheck = check(ready.body(), "broker");
            assertEquals("DOWN", brokerCheck.getString("status"), ready.body());
            assertTrue(gateway.payara().log().contains("SSLHandshakeException") && gateway.payara().log().contains(handshakeFailure),
                    "the log does not say why the broker was refused: " + handshakeFailure);
        }
    }

    /** The boot files of server-config/tls/, put together as its README says, the HTTPS listener on {@code port}. */
    private static Map<String, String> httpsBootFiles(Path dir, int port) throws Exception {
        Path config = Files.createDirectories(dir.resolve("config"));
        Path tlsProperties = TestFiles.write(dir.resolve("tls.properties"), "javax.net.ssl.keyStore=" + stores.gatewayKeyStore() + "\n"
                + "javax.net.ssl.keyStorePassword=" + TlsStores.PASSWORD + "\n");
        run(JOIN_PRE_BOOT_COMMANDS, Map.of("PAYARA_CONFIG", config.toString()));
        run(JOIN_SYSTEM_PROPERTIES, Map.of("PAYARA_CONFIG", config.toString(), "TLS_PROPERTIES", tlsProperties.toString()));
        Path preBoot = config.resolve("pre-boot-commands.asadmin");
        Files.writeString(preBoot, "set configs.config.server-config.network-config.network-listeners.network-listener.https-listener.port="
                + port + "\n", StandardOpenOption.APPEND);
        return Map.of("preBootCommandFile", preBoot.toString(),
                "postDeployCommandFile", Path.of("server-config/tls/post-deploy-commands-https.asadmin").toAbsolutePath().toString(),
                "systemPropertiesFile", config.resolve("system.properties").toString(),
                "httpsPort", Integer.toString(port),
                "httpsTrustStore", stores.trustStore().toString(),
                "httpsTrustStorePassword", TlsStores.PASSWORD);
    }

    private static void run(String command, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(command + " failed: " + output);
        }
    }

    private static Map<String, String> gatewayProperties(Path dir) throws Exception {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("pipeline.broker.user", ArtemisProcess.USER);
        properties.put("pipeline.topics.file", TestFiles.write(dir.resolve("topics.json"), CATALOGUE).toString());
        properties.put("mp.jwt.verify.publickey.location", TestTokens.writePublicKey(dir.resolve("publicKey.pem")).toUri().toString());
        properties.put("mp.jwt.verify.issuer", TestTokens.ISSUER);
        return properties;
    }

    /** The test's own client of the broker, over TLS too: the broker listens for nothing else. */
    private static String clientUrl() {
        return stores.brokerUrl("localhost", broker.port()) + "&user=" + ArtemisProcess.USER + "&password=" + ArtemisProcess.PASSWORD;
    }

    private static HttpRequest produce(URI base) {
        return HttpRequest.newBuilder(base.resolve("/pipeline/topics/orders/messages"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", Gateway.JSON)
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"over TLS\"}")).build();
    }

    private static JsonObject check(String health, String name) {
        return Json.createReader(new StringReader(health)).readObject().getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(check -> name.equals(check.getString("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no check " + name + ": " + health));
    }
}
