package dev.pipeline.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * 400 (an unknown field) rather than 401.
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
    private volatile String jwks = jwks(KEY_A);
    private final AtomicInteger fetches = new AtomicInteger();

    @BeforeEach
    void serveJwks() throws IOException {
        jwksServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), PayaraMicro.freePort()), 0);
        jwksServer.createContext("/jwks", exchange -> {
            fetches.incrementAndGet();
            byte[] body = jwks.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            // As identity providers do; Payara would otherwise keep the keys for an hour.
            exchange.getResponseHeaders().add("Cache-Control", "max-age=3600");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
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
            while (send(gateway, signedWithA).statusCode() != 401) {
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

    private Map<String, String> configuration(String instance) throws IOException {
        Path dir = PayaraMicro.instanceDir(instance);
        Path catalogue = TestFiles.write(dir.resolve("topics.json"),
                "{\"topics\":[{\"name\":\"orders\",\"ttl\":\"PT1H\",\"producers\":[\"orders-writer\"]}]}");
        // No broker: whether a token is accepted shows before any message would reach one.
        return Map.of(
                "pipeline.broker.url", "tcp://localhost:" + PayaraMicro.freePort(),
                "pipeline.topics.file", catalogue.toString(),
                "pipeline.jwks.refresh-interval", REFRESH.toString(),
                "mp.jwt.verify.publickey.location", "http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/jwks",
                "mp.jwt.verify.issuer", TestTokens.ISSUER);
    }

    private static String jwks(String... keys) {
        return "{\"keys\":[" + String.join(",", keys) + "]}";
    }

    private static HttpResponse<String> send(Gateway gateway, String token) throws Exception {
        return gateway.post("orders").token(token).json("{\"message\":\"m\",\"acceptedTokenMarker\":1}");
    }

    private static void assertAccepted(Gateway gateway, String token) throws Exception {
        HttpResponse<String> response = send(gateway, token);
        assertEquals(400, response.statusCode(), () -> "token refused: " + response.statusCode() + " " + response.body());
    }

    private static void assertRefused(Gateway gateway, String token) throws Exception {
        HttpResponse<String> response = send(gateway, token);
        assertEquals(401, response.statusCode(), () -> "token accepted: " + response.statusCode() + " " + response.body());
    }

    private static void awaitLog(PayaraMicro payara, String text) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(REMOVED_WITHIN);
        while (!payara.log().contains(text)) {
            assertTrue(Instant.now().isBefore(deadline), () -> "never logged: " + text);
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }
}
