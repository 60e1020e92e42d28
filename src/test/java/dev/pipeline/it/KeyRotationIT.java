package dev.pipeline.it;

import static dev.pipeline.it.TokenChecks.assertAccepted;
import static dev.pipeline.it.TokenChecks.assertRefused;
import static dev.pipeline.it.TokenChecks.readiness;
import static dev.pipeline.it.TokenChecks.signingKeysCheck;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Key rotation with {@code mp.jwt.verify.publickey.location} naming a JWKS URL, served here on
 * loopback: a key added is used from its first token, a key removed is refused within the refresh
 * interval (remembered tokens included), and an unreachable JWKS leaves the last good keys in use.
 * The JWKS also lists an encryption key and an HMAC key without a {@code kid} ahead of the signing
 * keys, as identity providers publish them. A token is accepted when a request with it is answered
 * 400 (an unknown field) rather than 401. A gateway restarted while the JWKS is unreachable uses the
 * key set kept in {@code pipeline.jwks.cache-dir}; with none kept it is not ready and answers 503.
 */
class KeyRotationIT extends StockPayaraTest {

    private static final Duration REFRESH = Duration.ofSeconds(3);
    /** The refresh interval, plus the time a fetch and a request take. */
    private static final Duration REMOVED_WITHIN = REFRESH.plusSeconds(2);
    private static final String KEY_A = TestTokens.jwk(false, "key-a");
    private static final String KEY_B = TestTokens.jwk(true, "key-b");
    private static final String ENCRYPTION_KEY = TestTokens.encryptionJwk("enc-1");
    /** Without a kid: Payara's own look-up of a token's kid fails on such a key. */
    private static final String HMAC_KEY = "{\"kty\":\"oct\",\"alg\":\"HS256\",\"k\":\"c2VjcmV0LW9mLXRoZS1pZHA\"}";


    private HttpServer jwksServer;
    private int jwksPort;
    private volatile String jwks = jwks(KEY_A);
    private final AtomicInteger fetches = new AtomicInteger();

    @BeforeEach
    void serveJwks() throws IOException {
        jwksPort = PayaraMicro.freePort();
        startJwks();
    }

    /** The identity provider up again, on the same port. */
    private void startJwks() throws IOException {
        jwksServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), jwksPort), 0);
        jwksServer.createContext("/jwks", exchange -> {
            fetches.incrementAndGet();
            // As identity providers do; Payara would otherwise keep the keys for an hour.
            JsonAnswers.send(exchange, jwks, Map.of("Cache-Control", "max-age=3600"));
        });
        jwksServer.start();
    }

    @AfterEach
    void stopJwks() {
        jwksServer.stop(0);
    }

    @Test
    void keyAddedIsAcceptedFromItsFirstTokenAndKeyRemovedIsRefusedWithinTheRefreshInterval() throws Exception {
        jwks = jwks(ENCRYPTION_KEY, HMAC_KEY, KEY_A);
        try (StockGateway stock = startStock("key-rotation", configuration("key-rotation"))) {
            Gateway gateway = stock.gateway();
            String signedWithA = TestTokens.serviceToken("orders-writer").keyId("key-a").sign();
            assertAccepted(gateway, signedWithA);
            assertAccepted(gateway, signedWithA);

            jwks = jwks(ENCRYPTION_KEY, HMAC_KEY, KEY_A, KEY_B);
            assertAccepted(gateway, TestTokens.serviceToken("orders-writer").keyId("key-b").signedWithSecondKey().sign());

            jwks = jwks(ENCRYPTION_KEY, HMAC_KEY, KEY_B);
            Instant removed = Instant.now();
            Instant deadline = removed.plus(REMOVED_WITHIN);
            while (TokenChecks.probe(gateway, signedWithA).statusCode() != 401) {
                assertTrue(Instant.now().isBefore(deadline), "a remembered token of a removed key still accepted after " + REMOVED_WITHIN);
                TimeUnit.MILLISECONDS.sleep(100);
            }
            assertRefused(gateway, TestTokens.serviceToken("orders-writer").keyId("key-a").sign());
            assertAccepted(gateway, TestTokens.serviceToken("orders-writer").keyId("key-b").signedWithSecondKey().sign());
        }
    }

    @Test
    void unreachableJwksLeavesTheLastGoodKeysInUseAndMadeUpKeyIdsFetchAtMostEveryFiveSeconds() throws Exception {
        try (StockGateway stock = startStock("key-rotation-outage", configuration("key-rotation-outage"))) {
            Gateway gateway = stock.gateway();
            assertAccepted(gateway, TestTokens.serviceToken("orders-writer").keyId("key-a").sign());
            int before = fetches.get();
            for (int i = 0; i < 20; i++) {
                assertRefused(gateway, TestTokens.serviceToken("orders-writer").keyId("made-up-" + i).sign());
            }
            assertTrue(fetches.get() - before <= 2, () -> (fetches.get() - before) + " fetches for 20 made-up key ids");

            jwksServer.stop(0);
            awaitLog(stock.payara(), "could not be fetched");

            assertAccepted(gateway, TestTokens.serviceToken("orders-writer").keyId("key-a").sign());
            assertAccepted(gateway, TestTokens.serviceToken("orders-writer").sign());
        }
    }

    @Test
    void gatewayRestartedWhileTheJwksIsUnreachableVerifiesWithTheKeySetKeptOnDisk() throws Exception {
        Path cacheDir = PayaraMicro.instanceDir("key-rotation-kept").resolve("jwks-cache-" + System.nanoTime());
        Map<String, String> configuration = new HashMap<>(configuration("key-rotation-kept"));
        configuration.put("pipeline.jwks.cache-dir", cacheDir.toString());
        try (StockGateway stock = startStock("key-rotation-kept", configuration)) {
            assertAccepted(stock.gateway(), TestTokens.serviceToken("orders-writer").keyId("key-a").sign());
        }
        jwksServer.stop(0);

        try (StockGateway stock = startStock("key-rotation-kept", configuration)) {
            assertTrue(stock.payara().log().contains("kept in"), "the kept key set was not read");
            assertEquals("UP", signingKeysCheck(stock.payara()).getString("status"));
            assertAccepted(stock.gateway(), TestTokens.serviceToken("orders-writer").keyId("key-a").sign());
            assertRefused(stock.gateway(), TestTokens.serviceToken("orders-writer").keyId("key-b").signedWithSecondKey().sign());
        }
    }

    @Test
    void gatewayStartedWhileTheJwksIsUnreachableWithNothingKeptIsNotReadyAndAnswersTokens503UntilItIsBack() throws Exception {
        Map<String, String> configuration = configuration("key-rotation-unreachable");
        jwksServer.stop(0);
        try (StockGateway stock = startStock("key-rotation-unreachable", configuration)) {
            Gateway gateway = stock.gateway();
            JsonObject check = signingKeysCheck(stock.payara());
            assertEquals("DOWN", check.getString("status"), check::toString);
            assertEquals(503, readiness(stock.payara()).statusCode());

            HttpResponse<String> response = TokenChecks.probe(gateway, TestTokens.serviceToken("orders-writer").keyId("key-a").sign());
            assertEquals(503, response.statusCode(), response::body);
            assertEquals("5", response.headers().firstValue("Retry-After").orElse(""));
            assertTrue(response.body().contains("signing keys"), response::body);

            startJwks();
            Instant deadline = Instant.now().plus(REMOVED_WITHIN);
            while (!"UP".equals(signingKeysCheck(stock.payara()).getString("status"))) {
                assertTrue(Instant.now().isBefore(deadline), "keys not fetched within " + REMOVED_WITHIN + " of the JWKS coming back");
                TimeUnit.MILLISECONDS.sleep(100);
            }
            assertAccepted(gateway, TestTokens.serviceToken("orders-writer").keyId("key-a").sign());
        }
    }

    private Map<String, String> configuration(String instance) throws IOException {
        Path dir = PayaraMicro.instanceDir(instance);
        Path catalogue = TestFiles.write(dir.resolve("topics.json"),
                "{\"topics\":[{\"name\":\"orders\",\"ttl\":\"PT1H\",\"producers\":[\"orders-writer\"]}]}");
        // No broker: whether a token is accepted shows before any message would reach one.
        return Map.of(
                "pipeline.broker.url", "tcp://localhost:" + PayaraMicro.freePort(),
                "pipeline.topics.file", catalogue.toString(),
                "pipeline.jwks.refresh-interval", REFRESH.toString(),
                "mp.jwt.verify.publickey.location", "http://127.0.0.1:" + jwksPort + "/jwks",
                "mp.jwt.verify.issuer", TestTokens.ISSUER);
    }

    private static String jwks(String... keys) {
        return "{\"keys\":[" + String.join(",", keys) + "]}";
    }

    private static void awaitLog(PayaraMicro payara, String text) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(REMOVED_WITHIN);
        while (!payara.log().contains(text)) {
            assertTrue(Instant.now().isBefore(deadline), () -> "never logged: " + text);
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }
}
