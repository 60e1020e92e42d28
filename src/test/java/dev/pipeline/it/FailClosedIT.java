package dev.pipeline.it;

import static dev.pipeline.it.Responses.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.zip.ZipFile;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.TargetsContainer;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The WAR dropped into a stock Payara Micro with nothing configured: it trusts no key, serves no
 * topic, keeps itself out of the load balancer, and says what is missing, once.
 */
@ExtendWith(FailClosedIT.EmbeddedBrokerPlace.class)
@ExtendWith(ArquillianExtension.class)
class FailClosedIT {

    private static final String INSTANCE = "unconfigured";
    private static final List<String> REQUIRED_KEYS = List.of(
            "mp.jwt.verify.publickey.location", "mp.jwt.verify.issuer", "pipeline.topics.file");
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** Where the embedded broker listens and keeps its journal: the only settings the instance gets. */
    static final class EmbeddedBrokerPlace implements BeforeAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) throws IOException {
            System.setProperty("unconfigured.acceptor", "tcp://localhost:" + PayaraMicro.freePort());
            System.setProperty("unconfigured.dataDir", PayaraMicro.instanceDir(INSTANCE).resolve("broker-" + System.nanoTime()).toString());
        }
    }

    @Deployment(testable = false)
    @TargetsContainer(INSTANCE)
    static WebArchive pipeline() {
        return Deployments.pipeline();
    }

    private static PayaraMicro payara() {
        return PayaraMicroContainer.running(INSTANCE);
    }

    @Test
    void theWarShipsNoKeyNoCatalogueAndNoDefaultForThem() throws IOException {
        try (ZipFile war = new ZipFile(System.getProperty("pipeline.war"))) {
            List<String> shipped = war.stream().map(entry -> entry.getName())
                    .filter(name -> name.contains("local-run") || name.endsWith(".pem") || name.endsWith("topics.json")).toList();
            assertEquals(List.of(), shipped);
            String config = new String(war.getInputStream(war.getEntry("WEB-INF/classes/META-INF/microprofile-config.properties"))
                    .readAllBytes(), StandardCharsets.UTF_8);
            REQUIRED_KEYS.forEach(key -> assertFalse(config.contains(key + "="), () -> "a default for " + key + ": " + config));
        }
    }

    @Test
    void aTokenSignedWithTheLocalRunKeyIsRefusedWith401() throws Exception {
        String token = LocalRunTokens.serviceToken("orders-writer");
        Gateway gateway = new Gateway(payara());

        for (String body : List.of("{\"message\":\"m\"}", "[{\"message\":\"m\"}]")) {
            HttpResponse<String> response = gateway.post("orders").token(token).json(body);
            problem(response, 401);
            assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        }
    }

    @Test
    void aMalformedTokenIsRefusedWith401NotA500() throws Exception {
        problem(new Gateway(payara()).post("orders").token("not.a.token").json("{\"message\":\"m\"}"), 401);
    }

    @Test
    void aRequestWithoutTokenIsAnswered503WithRetryAfter() throws Exception {
        HttpResponse<String> response = new Gateway(payara()).post("orders").json("{\"message\":\"m\"}");

        assertTrue(problem(response, 503).contains("not configured"));
        assertTrue(Integer.parseInt(response.headers().firstValue("Retry-After").orElseThrow()) > 0);
    }

    @Test
    void readinessIsDownAndNamesEachMissingKey() throws Exception {
        HttpResponse<String> ready = readiness();

        assertEquals(503, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("\"missing\":\"" + String.join(",", REQUIRED_KEYS) + "\""), ready.body());
    }

    @Test
    void livenessStaysUpBecauseARestartCannotFixConfiguration() throws Exception {
        HttpResponse<String> live = CLIENT.send(HttpRequest.newBuilder(payara().uri("/health/live")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, live.statusCode(), live.body());
    }

    @Test
    void theLogNamesEachMissingKeyInExactlyOneLine() throws IOException {
        String log = payara().log();
        for (String key : REQUIRED_KEYS) {
            assertEquals(1, linesContaining(log, "Configuration key " + key + " is not set"), key);
        }
    }

    @Test
    void theEmbeddedBrokerDefaultIsAnnouncedInOneWarningLine() throws IOException {
        List<String> lines = payara().log().lines()
                .filter(line -> line.contains("pipeline.broker.url is not set: messages are stored by an embedded Artemis broker"))
                .toList();

        assertEquals(1, lines.size(), lines::toString);
        assertTrue(lines.get(0).contains("WARNING") && lines.get(0).contains("[levelValue: 900]"), lines.get(0));
    }

    private static long linesContaining(String log, String text) {
        return log.lines().filter(line -> line.contains(text)).count();
    }

    private static HttpResponse<String> readiness() throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(payara().uri("/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
