package dev.pipeline.auth.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.sun.net.httpserver.HttpServer;
import dev.pipeline.testing.CapturedWarnings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class JwksMirrorTest {

    private static final String KEY_A = "{\"kty\":\"RSA\",\"kid\":\"key-a\",\"n\":\"AQAB\",\"e\":\"AQAB\"}";
    private static final String KEY_B = "{\"kty\":\"RSA\",\"kid\":\"key-b\",\"n\":\"AQAB\",\"e\":\"AQAB\"}";

    /** Keycloak publishes its RSA-OAEP encryption key beside, and before, its signing key. */
    private static final String ENCRYPTION_KEY = "{\"kid\":\"enc-1\",\"kty\":\"RSA\",\"alg\":\"RSA-OAEP\",\"use\":\"enc\",\"n\":\"AQAB\",\"e\":\"AQAB\"}";
    private static final String HMAC_KEY = "{\"kty\":\"oct\",\"alg\":\"HS256\",\"k\":\"c2VjcmV0\"}";
    private static final String EC_P256_KEY = "{\"kty\":\"EC\",\"kid\":\"ec-1\",\"crv\":\"P-256\",\"x\":\"AQAB\",\"y\":\"AQAB\"}";
    private static final String EC_P384_KEY = "{\"kty\":\"EC\",\"kid\":\"ec-2\",\"crv\":\"P-384\",\"x\":\"AQAB\",\"y\":\"AQAB\"}";

    private HttpServer server;
    private volatile String jwks = jwks(KEY_A);
    private volatile int status = 200;
    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final List<JwksMirror.KeysChanged> changes = new ArrayList<>();
    @RegisterExtension
    final CapturedWarnings warnings = new CapturedWarnings(JwksMirror.class);
    private JwksMirror mirror;

    @BeforeEach
    void serveJwks() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/jwks", exchange -> {
            fetches.incrementAndGet();
            byte[] body = jwks.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
        mirror = JwksMirror.of(uri, clock::get, changes::add);
        mirror.fetch();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void fetchedKeysAreWrittenForPayaraAndAnnounced() throws IOException {
        assertEquals(Set.of("key-a"), mirror.keyIds());
        assertEquals(jwks(KEY_A), Files.readString(JwksMirror.file()));
        assertEquals(List.of(new JwksMirror.KeysChanged(Set.of("key-a"))), changes);
    }

    @Test
    void tokenNamingAnUnknownKidFetchesAtOnce() {
        jwks = jwks(KEY_A, KEY_B);

        mirror.refreshFor(token("key-b"));

        assertEquals(Set.of("key-a", "key-b"), mirror.keyIds());
    }

    @Test
    void tokenNamingAKnownKidFetchesNothing() {
        mirror.refreshFor(token("key-a"));
        mirror.refreshFor(token(null));

        assertEquals(1, fetches.get());
    }

    @Test
    void unknownKidsFetchAtMostOncePerInterval() {
        mirror.refreshFor(token("made-up-1"));
        clock.addAndGet(JwksMirror.UNKNOWN_KID_REFETCH_MILLIS - 1);
        mirror.refreshFor(token("made-up-2"));
        mirror.refreshFor(token("made-up-3"));

        assertEquals(2, fetches.get());

        clock.addAndGet(1);
        mirror.refreshFor(token("made-up-4"));

        assertEquals(3, fetches.get());
    }

    @Test
    void removedKeyIsGoneAfterTheNextFetchAndAnnounced() throws IOException {
        jwks = jwks(KEY_A, KEY_B);
        mirror.fetch();
        jwks = jwks(KEY_B);

        mirror.fetch();

        assertEquals(Set.of("key-b"), mirror.keyIds());
        assertEquals(jwks(KEY_B), Files.readString(JwksMirror.file()));
        assertEquals(new JwksMirror.KeysChanged(Set.of("key-b")), changes.get(changes.size() - 1));
    }

    @Test
    void unchangedKeysAreNotAnnouncedAgain() {
        mirror.fetch();

        assertEquals(1, changes.size());
    }

    @Test
    void unreachableEndpointKeepsTheLastGoodKeysWithOneWarning() throws IOException {
        server.stop(0);

        mirror.fetch();
        mirror.fetch();

        assertEquals(Set.of("key-a"), mirror.keyIds());
        assertEquals(jwks(KEY_A), Files.readString(JwksMirror.file()));
        assertEquals(1, warnings.size(), warnings.toString());
    }

    @Test
    void errorStatusKeepsTheLastGoodKeys() {
        status = 503;
        jwks = "down";

        mirror.fetch();

        assertEquals(Set.of("key-a"), mirror.keyIds());
        assertEquals(1, warnings.size(), warnings.toString());
    }

    @Test
    void keySetWithoutKeysIsRefusedAndTheLastGoodKeysStay() {
        jwks = "{\"keys\":[]}";

        mirror.fetch();

        assertEquals(Set.of("key-a"), mirror.keyIds());
        assertEquals(1, changes.size());
    }

    @Test
    void copyHoldsOnlyTheKeysThatVerifySignatures() throws IOException {
        jwks = jwks(ENCRYPTION_KEY, HMAC_KEY, KEY_B, EC_P384_KEY, EC_P256_KEY);

        mirror.fetch();

        assertEquals(Set.of("key-b", "ec-1"), mirror.keyIds());
        assertEquals(jwks(KEY_B, EC_P256_KEY), Files.readString(JwksMirror.file()));
    }

    @Test
    void keysWithoutAKidComeLastSoThatPayaraFindsTheNamedOnesBeforeFailingOnThem() {
        String unnamed = "{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}";

        JwksMirror.SigningKeys keys = JwksMirror.signingKeys(jwks(unnamed, KEY_A));

        assertEquals(jwks(KEY_A, unnamed), keys.jwks());
        assertEquals(Set.of("key-a"), keys.keyIds());
    }

    @Test
    void keysForOtherAlgorithmsOrUsesAreLeftOut() {
        String rs384 = "{\"kty\":\"RSA\",\"kid\":\"rs384\",\"alg\":\"RS384\",\"n\":\"AQAB\",\"e\":\"AQAB\"}";
        String encryptOnly = "{\"kty\":\"RSA\",\"kid\":\"ops\",\"key_ops\":[\"encrypt\"],\"n\":\"AQAB\",\"e\":\"AQAB\"}";
        String certificateOnly = "{\"kty\":\"RSA\",\"kid\":\"x5c\",\"x5c\":[\"MIIC\"]}";
        String numberKid = "{\"kty\":\"RSA\",\"kid\":7,\"n\":\"AQAB\",\"e\":\"AQAB\"}";
        String sig = "{\"kty\":\"RSA\",\"kid\":\"sig\",\"use\":\"sig\",\"alg\":\"RS256\",\"key_ops\":[\"verify\"],\"n\":\"AQAB\",\"e\":\"AQAB\"}";

        JwksMirror.SigningKeys keys = JwksMirror.signingKeys(jwks(rs384, encryptOnly, certificateOnly, numberKid, "\"text\"", sig));

        assertEquals(Set.of("sig"), keys.keyIds());
        assertEquals(5, keys.leftOut());
    }

    @Test
    void keySetWithoutASigningKeyIsRefusedAndTheLastGoodKeysStay() throws IOException {
        jwks = jwks(ENCRYPTION_KEY, HMAC_KEY);

        mirror.fetch();

        assertEquals(Set.of("key-a"), mirror.keyIds());
        assertEquals(jwks(KEY_A), Files.readString(JwksMirror.file()));
        assertEquals(1, warnings.size(), warnings.toString());
    }

    @Test
    void aChangeOfTheEncryptionKeyAloneIsNoChangeOfKeys() {
        jwks = jwks(ENCRYPTION_KEY, KEY_A);

        mirror.fetch();

        assertEquals(1, changes.size());
    }

    @Test
    void restartWhileTheJwksIsUnreachableUsesTheKeptKeySet(@TempDir Path dir) throws IOException {
        jwks = jwks(ENCRYPTION_KEY, KEY_A);
        JwksMirror.of(uri(), clock::get, changes::add, dir).start();
        server.stop(0);

        JwksMirror restarted = JwksMirror.of(uri(), clock::get, changes::add, dir);
        restarted.start();

        assertTrue(restarted.hasKeys());
        assertEquals(Set.of("key-a"), restarted.keyIds());
        assertEquals(jwks(KEY_A), Files.readString(JwksMirror.file()));
    }

    @Test
    void keptKeySetIsReplacedByEachChangedFetch(@TempDir Path dir) {
        JwksMirror first = JwksMirror.of(uri(), clock::get, changes::add, dir);
        first.start();
        jwks = jwks(KEY_B);
        first.fetch();
        server.stop(0);

        JwksMirror restarted = JwksMirror.of(uri(), clock::get, changes::add, dir);
        restarted.start();

        assertEquals(Set.of("key-b"), restarted.keyIds());
    }

    @Test
    void keySetKeptForAnotherJwksUrlIsNotUsed(@TempDir Path dir) {
        JwksMirror.of(uri(), clock::get, changes::add, dir).start();
        server.stop(0);

        JwksMirror otherIdp = JwksMirror.of(URI.create(uri() + "-other"), clock::get, changes::add, dir);
        otherIdp.start();

        assertFalse(otherIdp.hasKeys());
    }

    @Test
    void startWhileTheJwksIsUnreachableWithNothingKeptHasNoKeysUntilAFetchSucceeds() {
        status = 503;
        JwksMirror started = JwksMirror.of(uri(), clock::get, changes::add, null);
        started.start();

        assertFalse(started.hasKeys());
        assertEquals(Set.of(), started.keyIds());

        status = 200;
        started.refreshWhenDue();

        assertTrue(started.hasKeys());
        assertEquals(Set.of("key-a"), started.keyIds());
    }

    @Test
    void withKeysTheScheduledRefreshWaitsForTheRefreshInterval() {
        mirror.refreshWhenDue();
        assertEquals(1, fetches.get());

        clock.addAndGet(Duration.parse(JwksMirror.DEFAULT_REFRESH_INTERVAL).toMillis());
        mirror.refreshWhenDue();

        assertEquals(2, fetches.get());
    }

    @Test
    void aFetchForAnUnknownKidDoesNotPutTheScheduledRefreshOff() {
        long interval = Duration.parse(JwksMirror.DEFAULT_REFRESH_INTERVAL).toMillis();
        clock.addAndGet(interval - 1_000);
        mirror.refreshFor(token("key-z"));
        assertEquals(2, fetches.get());

        clock.addAndGet(1_000);
        mirror.refreshWhenDue();

        assertEquals(3, fetches.get(), "a key removed from the JWKS stops being accepted within the refresh interval");
    }

    @Test
    void keyIdIsReadFromTheTokenHeader() {
        assertEquals("key-b", JwksMirror.keyId(token("key-b")));
        assertNull(JwksMirror.keyId(token(null)));
        assertNull(JwksMirror.keyId("not a token"));
        assertNull(JwksMirror.keyId("!!!.x.y"));
    }

    private URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
    }

    private static String jwks(String... keys) {
        return "{\"keys\":[" + String.join(",", keys) + "]}";
    }

    private static String token(String kid) {
        String header = kid == null ? "{\"alg\":\"RS256\",\"typ\":\"JWT\"}"
                : "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}";
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        return base64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + ".e30.c2ln";
    }
}
