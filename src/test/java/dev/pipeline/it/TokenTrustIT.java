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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
     * A CA of this test only and a certificate it signed for 127.0.0.1, made by
     * {@code server-config/tls/make-stores.sh} as for the TLS shape (its gateway key store serves the
     * JWKS here), and a trust store made as the operator's guide says: the JDK's CAs and the corporate
     * CA in a PKCS12 file without password protection (no MAC, certificates not encrypted), which the
     * JVM reads with or without {@code javax.net.ssl.trustStorePassword}. A password-protected one is
     * read as holding no certificate at all when no password is given.
     */
    private record PrivateCa(TlsStores stores, Path operator) {

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
            TlsStores stores = TlsStores.make(TlsIT.MAKE_STORES, dir.resolve("stores"), "localhost", "127.0.0.1");
            Path operator = Files.createDirectories(dir.resolve("operator"));
            Files.copy(stores.authorityCertificate(), operator.resolve("corporate-ca.pem"));
            shell(operator, IMPORT_JDK_CAS);
            shell(operator, IMPORT_CORPORATE_CA);
            return new PrivateCa(stores, operator);
        }

        Path trustStore() {
            return operator.resolve("truststore.p12");
        }

        /** TLS for the JWKS server: its key and the chain up to the CA. */
        SSLContext serverContext() throws IOException, GeneralSecurityException {
            return stores.serving(stores.gatewayKeyStore());
        }

        /** A documented command, run by sh in {@code dir} with the JDK of this test as {@code JAVA_HOME} and first on the {@code PATH}. */
        private static void shell(Path dir, String command) throws IOException, InterruptedException {
            ProcessBuilder builder = new ProcessBuilder("sh", "-c", command);
            String javaHome = System.getProperty("java.home");
            builder.environment().put("JAVA_HOME", javaHome);
            builder.environment().put("PATH", Path.of(javaHome, "bin") + java.io.File.pathSeparator + System.getenv("PATH"));
            Path log = dir.resolve("keytool.log");
            Process process = builder.directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool did not finish: " + command);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed (" + process.exitValue() + "): " + command + "\n" + Files.readString(log));
            }
        }
    }
}
