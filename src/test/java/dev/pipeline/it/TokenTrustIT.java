package dev.pipeline.it;

import static dev.pipeline.it.TokenChecks.assertAccepted;
import static dev.pipeline.it.TokenChecks.assertRefused;
import static dev.pipeline.it.TokenChecks.readiness;
import static dev.pipeline.it.TokenChecks.signingKeysCheck;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The token contract where it meets the operator's setup: a JWKS served over HTTPS with a
 * certificate of a private (corporate) CA, trusted through {@code -Djavax.net.ssl.trustStore} and
 * nothing else, and {@code mp.jwt.verify.audiences}, which Payara's identity store enforces as the
 * gateway calls it. Without the CA in the trust store the gateway has no keys: not ready, and tokens
 * are answered 503 with Retry-After, never 401 or 500. The CA, the JWKS server's certificate and the
 * trust store are made with keytool, once for the class. A token is accepted when a request with it is
 * answered 400 (an unknown field, found after authentication and authorization) rather than 401:
 * no broker is needed for that.
 */
class TokenTrustIT extends StockPayaraTest {

    private static final String AUDIENCE = "pipeline-gateway";

    /** Made once for the class: keytool is a JVM start per step. */
    private static PrivateCa ca;
    private HttpsServer jwksServer;

    @BeforeEach
    void serveJwksUnderAPrivateCa() throws Exception {
        if (ca == null) {
            ca = PrivateCa.make(PayaraMicro.instanceDir("token-trust").resolve("ca-" + System.nanoTime()));
        }
        jwksServer = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jwksServer.setHttpsConfigurator(new HttpsConfigurator(ca.serverContext()));
        jwksServer.createContext("/jwks",
                exchange -> JsonAnswers.send(exchange, "{\"keys\":[" + TestTokens.jwk(false, "key-a") + "]}", Map.of()));
        jwksServer.start();
    }

    @AfterEach
    void stopJwks() {
        jwksServer.stop(0);
    }

    @Test
    void jwksOfAPrivateCaIsTrustedThroughTheTrustStoreAndATokenMustNameAConfiguredAudience() throws Exception {
        Map<String, String> configuration = new HashMap<>(configuration("token-trust-audiences"));
        configuration.put("javax.net.ssl.trustStore", ca.trustStore().toString());
        configuration.put("mp.jwt.verify.audiences", AUDIENCE);
        try (StockGateway stock = startStock("token-trust-audiences", configuration)) {
            assertEquals("UP", signingKeysCheck(stock.payara()).getString("status"));
            assertTrue(stock.payara().log().contains("A token's aud must name one of [" + AUDIENCE + "]"), "the audiences in force are not logged");
            Gateway gateway = stock.gateway();

            assertAccepted(gateway, token().claim("aud", Json.createValue(AUDIENCE)).sign());
            assertAccepted(gateway, token().claim("aud", Json.createArrayBuilder().add("other").add(AUDIENCE).build()).sign());

            assertRefused(gateway, token().sign());
            assertRefused(gateway, token().claim("aud", Json.createValue("other")).sign());
            assertRefused(gateway, token().claim("aud", Json.createArrayBuilder().add("other").add("another").build()).sign());
            assertRefused(gateway, token().claim("aud", JsonValue.EMPTY_JSON_ARRAY).sign());
        }
    }

    @Test
    void jwksOfACaMissingFromTheTrustStoreLeavesTheGatewayNotReadyAndTokensAnswered503() throws Exception {
        try (StockGateway stock = startStock("token-trust-untrusted", configuration("token-trust-untrusted"))) {
            JsonObject check = signingKeysCheck(stock.payara());
            assertEquals("DOWN", check.getString("status"), check::toString);
            assertEquals(503, readiness(stock.payara()).statusCode());

            HttpResponse<String> response = TokenChecks.probe(stock.gateway(), token().sign());
            assertEquals(503, response.statusCode(), response::body);
            assertEquals("5", response.headers().firstValue("Retry-After").orElse(""));
            assertTrue(response.body().contains("signing keys"), response::body);
            assertTrue(stock.payara().log().contains("SSLHandshakeException"), "the log does not say why the JWKS was not fetched");
            assertTrue(stock.payara().log().contains("A token's aud is not checked"), "the start log does not say that aud is not checked");
        }
    }

    private static TestTokens token() {
        return TestTokens.serviceToken("orders-writer").keyId("key-a");
    }

    private Map<String, String> configuration(String instance) throws IOException {
        Path catalogue = TestFiles.write(PayaraMicro.instanceDir(instance).resolve("topics.json"),
                "{\"topics\":[{\"name\":\"orders\",\"ttl\":\"PT1H\",\"producers\":[\"orders-writer\"]}]}");
        return Map.of(
                "pipeline.broker.url", "tcp://localhost:" + PayaraMicro.freePort(),
                "pipeline.topics.file", catalogue.toString(),
                "mp.jwt.verify.publickey.location", "https://127.0.0.1:" + jwksServer.getAddress().getPort() + "/jwks",
                "mp.jwt.verify.issuer", TestTokens.ISSUER);
    }

    /**
     * A CA of this test only and a certificate it signed for 127.0.0.1, made with the JDK's keytool,
     * and a trust store made as the operator's guide says: the JDK's CAs and the corporate CA in a
     * PKCS12 file without password protection (no MAC, certificates not encrypted), which the JVM
     * reads with or without {@code javax.net.ssl.trustStorePassword}. A password-protected one is
     * read as holding no certificate at all when no password is given.
     */
    private record PrivateCa(Path dir, String password) {

        /** The operator's trust store, step 1: the CAs the JDK trusts. */
        static final String IMPORT_JDK_CAS = """
                keytool -J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE -J-Dkeystore.pkcs12.macAlgorithm=NONE \
                  -importkeystore -srckeystore "$JAVA_HOME/lib/security/cacerts" -srcstorepass changeit \
                  -destkeystore truststore.p12 -deststoretype PKCS12 -deststorepass changeit -noprompt""";
        /** Step 2: the corporate CA. */
        static final String IMPORT_CORPORATE_CA = """
                keytool -J-Dkeystore.pkcs12.certProtectionAlgorithm=NONE -J-Dkeystore.pkcs12.macAlgorithm=NONE \
                  -importcert -noprompt -alias corporate-ca -file corporate-ca.pem -keystore truststore.p12 -storepass changeit""";

        static PrivateCa make(Path dir) throws IOException, InterruptedException {
            Files.createDirectories(dir);
            PrivateCa ca = new PrivateCa(dir, "test-only-" + UUID.randomUUID());
            ca.keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=Pipeline Test CA",
                    "-ext", "bc:c", "-validity", "2", "-keystore", "ca.p12", "-storepass", ca.password);
            ca.keytool("-exportcert", "-alias", "ca", "-rfc", "-keystore", "ca.p12", "-storepass", ca.password, "-file", "corporate-ca.pem");
            ca.keytool("-genkeypair", "-alias", "jwks", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                    "-validity", "2", "-keystore", "server.p12", "-storepass", ca.password);
            ca.keytool("-certreq", "-alias", "jwks", "-keystore", "server.p12", "-storepass", ca.password, "-file", "server.csr");
            ca.keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", ca.password, "-infile", "server.csr",
                    "-outfile", "server.pem", "-rfc", "-validity", "2", "-ext", "san=ip:127.0.0.1", "-ext", "eku=serverAuth");
            ca.keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "corporate-ca.pem", "-keystore", "server.p12", "-storepass", ca.password);
            ca.keytool("-importcert", "-alias", "jwks", "-file", "server.pem", "-keystore", "server.p12", "-storepass", ca.password);
            ca.shell(IMPORT_JDK_CAS);
            ca.shell(IMPORT_CORPORATE_CA);
            return ca;
        }

        Path trustStore() {
            return dir.resolve("truststore.p12");
        }

        /** TLS for the JWKS server: its key and the chain up to the CA. */
        SSLContext serverContext() throws IOException, GeneralSecurityException {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
                keys.load(in, password.toCharArray());
            }
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, password.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), null, null);
            return context;
        }

        private void keytool(String... arguments) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
            command.addAll(List.of(arguments));
            run(new ProcessBuilder(command));
        }

        /** A documented command, run by sh with the JDK of this test as {@code JAVA_HOME} and first on the {@code PATH}. */
        private void shell(String command) throws IOException, InterruptedException {
            ProcessBuilder builder = new ProcessBuilder("sh", "-c", command);
            String javaHome = System.getProperty("java.home");
            builder.environment().put("JAVA_HOME", javaHome);
            builder.environment().put("PATH", Path.of(javaHome, "bin") + java.io.File.pathSeparator + System.getenv("PATH"));
            run(builder);
        }

        private void run(ProcessBuilder builder) throws IOException, InterruptedException {
            List<String> command = builder.command();
            Process process = builder.directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("keytool.log").toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool did not finish: " + command);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed (" + process.exitValue() + "): " + command + "\n"
                        + Files.readString(dir.resolve("keytool.log")));
            }
        }
    }
}
