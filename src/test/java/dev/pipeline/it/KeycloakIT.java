package dev.pipeline.it;

import static dev.pipeline.it.Responses.messageIds;
import static dev.pipeline.it.Responses.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway on a real identity provider: Keycloak from Maven Central, started by the test and
 * set up through its admin API as server-config/README.md's "Keycloak" says (a realm
 * role per producer group, the {@code microprofile-jwt} client scope), producers' tokens from its
 * token endpoint (client-credentials grant), the gateway (stock Payara Micro, the built WAR, its
 * embedded broker) on the realm's JWKS URL and issuer.
 */
class KeycloakIT {

    private static final String REALM = "pipeline";
    private static final String OTHER_REALM = "elsewhere";
    private static final String MESSAGE = "{\"message\":\"hello\"}";
    private static final Client ORDERS_SERVICE = new Client("orders-service", "orders-writer", true);
    private static final Client CLICKS_SERVICE = new Client("clicks-service", "clicks-writer", true);
    /** The producer role, but without the microprofile-jwt scope: its tokens carry no groups claim. */
    private static final Client UNSCOPED_SERVICE = new Client("unscoped-service", "orders-writer", false);
    private static final Duration JWKS_REFRESH = Duration.ofSeconds(2);
    /** The gateway fetches the JWKS for unknown key ids at most this often (JwksMirror), plus a margin. */
    private static final Duration UNKNOWN_KID_FETCH_INTERVAL = Duration.ofSeconds(6);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static KeycloakProcess keycloak;
    private static KeycloakAdmin admin;
    private static PayaraMicro payara;
    private static Gateway gateway;

    private record Client(String id, String role, boolean microprofileJwt) {
        String secret() {
            return id + "-secret";
        }
    }

    @BeforeAll
    static void startKeycloakAndTheGateway() throws Exception {
        Path dir = PayaraMicro.instanceDir("keycloak");
        keycloak = KeycloakProcess.launch(dir, PayaraMicro.freePort());
        admin = new KeycloakAdmin(keycloak);
        Path catalogue = TestFiles.write(dir.resolve("topics.json"), """
                { "topics": [
                  { "name": "orders", "ttl": "PT1H", "producers": ["orders-writer"] },
                  { "name": "clicks", "ttl": "PT1H", "producers": ["clicks-writer"] } ] }
                """);
        // Started while Keycloak starts: the gateway fetches the JWKS again for the first token's key id.
        payara = PayaraMicro.launch("keycloak-gateway", Path.of(System.getProperty("pipeline.war")), List.of(), List.of(), Map.of(
                "pipeline.broker.data-dir", dir.resolve("broker-" + System.nanoTime()).toString(),
                "pipeline.broker.embedded-acceptor", "tcp://localhost:" + PayaraMicro.freePort(),
                "pipeline.topics.file", catalogue.toString(),
                "pipeline.jwks.refresh-interval", JWKS_REFRESH.toString(),
                "mp.jwt.verify.publickey.location", admin.jwksUrl(REALM),
                "mp.jwt.verify.issuer", admin.issuer(REALM)), Map.of(), false, 0);
        keycloak.awaitReady();
        for (String realm : List.of(REALM, OTHER_REALM)) {
            admin.createRealm(realm);
            admin.createRealmRole(realm, "orders-writer");
            admin.createRealmRole(realm, "clicks-writer");
            admin.createServiceClient(realm, ORDERS_SERVICE.id(), ORDERS_SERVICE.secret(), ORDERS_SERVICE.role(), true);
        }
        admin.createServiceClient(REALM, CLICKS_SERVICE.id(), CLICKS_SERVICE.secret(), CLICKS_SERVICE.role(), true);
        admin.createServiceClient(REALM, UNSCOPED_SERVICE.id(), UNSCOPED_SERVICE.secret(), UNSCOPED_SERVICE.role(), false);
        payara.awaitDeployed("pipeline");
        gateway = new Gateway(payara);
    }

    @AfterAll
    static void stopTheGatewayAndKeycloak() throws Exception {
        try {
            if (payara != null) {
                payara.close();
            }
        } finally {
            if (keycloak != null) {
                keycloak.close();
            }
        }
    }

    @Test
    void clientWhoseRealmRoleIsAProducerGroupOfTheTopicIsAnswered200() throws Exception {
        String token = token(REALM, ORDERS_SERVICE);

        assertTrue(claims(token).getJsonArray("groups").contains(Json.createValue("orders-writer")), () -> claims(token).toString());
        messageIds(gateway.post("orders").token(token).json(MESSAGE));
    }

    @Test
    void clientWithAnotherRealmRoleIsAnswered404() throws Exception {
        String token = token(REALM, CLICKS_SERVICE);

        messageIds(gateway.post("clicks").token(token).json(MESSAGE));
        problem(gateway.post("orders").token(token).json(MESSAGE), 404);
    }

    @Test
    void tokenOfAnotherRealmIsAnswered401WithABearerChallenge() throws Exception {
        HttpResponse<String> response = gateway.post("orders").token(token(OTHER_REALM, ORDERS_SERVICE)).json(MESSAGE);

        problem(response, 401);
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"), response.headers().map()::toString);
    }

    @Test
    void tokenOfAClientWithoutTheMicroprofileJwtScopeHasNoGroupsAndIsAnswered404NotA500() throws Exception {
        String token = token(REALM, UNSCOPED_SERVICE);
        JsonObject claims = claims(token);
        assertFalse(claims.containsKey("groups"), claims::toString);
        assertTrue(claims.getJsonObject("realm_access").getJsonArray("roles").contains(Json.createValue("orders-writer")),
                "the role is in the token, only not as a group: " + claims);

        problem(gateway.post("orders").token(token).json(MESSAGE), 404);
        assertFalse(payara.log().contains("NullPointerException"), "no stack trace for a token without groups");
    }

    /**
     * A producer asks Keycloak for a token before each request, so that its tokens follow the realm's
     * active key. A new key of higher priority is added; once the producer's tokens are signed with
     * it and accepted, the old key is disabled (gone from the JWKS). No request of the producer is
     * refused, and a token of the old key kept aside is refused within the refresh interval.
     */
    @Test
    void keyRotatedInKeycloakWhileAProducerSendsFailsNoRequestAndTheOldKeysTokensAreRefusedOnceItIsGone() throws Exception {
        String oldKeyToken = token(REALM, ORDERS_SERVICE);
        String oldKid = kid(oldKeyToken);
        messageIds(gateway.post("orders").token(oldKeyToken).json(MESSAGE));
        List<Sent> sent = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> produceUntil(stop, sent));
        try {
            // Rotated once the producer has sent for longer than the gateway's limit on JWKS fetches for
            // unknown key ids, which another test's token of another realm may have used just before.
            Instant rotation = Instant.now().plus(UNKNOWN_KID_FETCH_INTERVAL);
            awaitSent(sent, s -> s.at().isAfter(rotation));
            admin.addRsaKeyProvider(REALM, "rsa-rotated-" + System.nanoTime(), 1_000);
            Sent firstOfNewKey = awaitSent(sent, s -> !s.kid().equals(oldKid));
            admin.setKeyProvider(REALM, admin.keyProviderOf(REALM, oldKid), false, false);
            Instant removed = Instant.now();

            HttpResponse<String> oldKeyAnswer;
            do {
                oldKeyAnswer = gateway.post("orders").token(oldKeyToken).json(MESSAGE);
                Duration since = Duration.between(removed, Instant.now());
                assertTrue(oldKeyAnswer.statusCode() == 401 || since.compareTo(JWKS_REFRESH.plusSeconds(3)) < 0,
                        "a token of the removed key still accepted " + since + " after");
            } while (oldKeyAnswer.statusCode() != 401);
            problem(oldKeyAnswer, 401);
            Instant refused = Instant.now();
            awaitSent(sent, s -> s.at().isAfter(refused.plusSeconds(1)));
            stop.set(true);
            producer.get(WAIT.toSeconds(), TimeUnit.SECONDS);

            List<Sent> failed = sent.stream().filter(s -> s.status() != 200).toList();
            assertEquals(List.of(), failed.subList(0, Math.min(5, failed.size())), failed.size() + " of " + sent.size() + " requests failed");
            assertNotEquals(oldKid, firstOfNewKey.kid());
            assertTrue(sent.stream().anyMatch(s -> s.kid().equals(oldKid)), "the producer sent with the old key first");
        } finally {
            stop.set(true);
        }
    }

    private record Sent(Instant at, String kid, int status, String body) {
    }

    private static void produceUntil(AtomicBoolean stop, List<Sent> sent) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (!stop.get() && Instant.now().isBefore(deadline)) {
            try {
                String token = token(REALM, ORDERS_SERVICE);
                HttpResponse<String> response = gateway.post("orders").token(token).json(MESSAGE);
                sent.add(new Sent(Instant.now(), kid(token), response.statusCode(), response.body()));
            } catch (Exception e) {
                sent.add(new Sent(Instant.now(), "", -1, e.toString()));
            }
        }
    }

    /** The first request the producer sent that matches, waiting for it at most {@link #WAIT}. */
    private static Sent awaitSent(List<Sent> sent, Predicate<Sent> wanted) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (true) {
            for (Sent s : sent) {
                if (wanted.test(s)) {
                    return s;
                }
            }
            assertTrue(Instant.now().isBefore(deadline), () -> "no such request within " + WAIT + " of " + sent.size() + " sent");
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private static String token(String realm, Client client) throws Exception {
        return admin.token(realm, client.id(), client.secret());
    }

    private static String kid(String token) {
        return ((JsonString) part(token, 0).get("kid")).getString();
    }

    private static JsonObject claims(String token) {
        return part(token, 1);
    }

    private static JsonObject part(String token, int index) {
        String json = new String(Base64.getUrlDecoder().decode(token.split("\\.")[index]), StandardCharsets.UTF_8);
        return Json.createReader(new StringReader(json)).readObject();
    }
}
