package dev.pipeline.it;

import static dev.pipeline.it.LogMarkers.awaitLog;
import static dev.pipeline.it.LogMarkers.marker;
import static dev.pipeline.it.Responses.messageIds;
import static dev.pipeline.it.Responses.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tokens shaped as real identity providers issue them, verified by Payara's MP-JWT: answered as the
 * contract says, never with a 5xx, and each failure with one short line in the log at most.
 */
@ExtendWith(ArquillianExtension.class)
@ExtendWith(SharedGateway.class)
class TokenClaimsIT {

    private static final String MESSAGE = "{\"message\":\"hello\"}";
    private static final int GROUPLESS_REQUESTS = 20;
    /** One line of the failed-request log with Payara's record prefix. */
    private static final int MAX_LOG_BYTES_PER_REQUEST = 400;

    @Deployment(testable = false)
    static WebArchive pipeline() {
        return Deployments.pipeline();
    }

    @Test
    void verifiedTokenWithoutAGroupsClaimIsAnswered404WithOneShortLogLineEach(Gateway gateway) throws Exception {
        String groupless = TestTokens.serviceToken().withoutClaim("groups").sign();
        String unknownTopic = gateway.post("no-such-topic").token(TestTokens.serviceToken("orders-writer").sign()).json(MESSAGE).body();

        String start = marker(gateway, TestTokens.serviceToken("orders-writer").sign());
        String before = awaitLog(gateway.payara(), start);
        int from = before.indexOf('\n', before.indexOf(start)) + 1;
        for (int i = 0; i < GROUPLESS_REQUESTS; i++) {
            HttpResponse<String> response = gateway.post("orders").token(groupless).json(MESSAGE);
            problem(response, 404);
            assertEquals(unknownTopic, response.body(), "the same 404 as for a topic that does not exist");
        }
        String end = marker(gateway, TestTokens.serviceToken("orders-writer").sign());
        String log = awaitLog(gateway.payara(), end);
        String grown = log.substring(from, log.lastIndexOf('\n', log.indexOf(end)) + 1);

        assertFalse(grown.contains("Exception"), () -> "no stack trace for a groupless token:\n" + grown);
        assertEquals(GROUPLESS_REQUESTS, grown.split("answered 404", -1).length - 1, grown);
        int grownBytes = grown.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(grownBytes <= GROUPLESS_REQUESTS * MAX_LOG_BYTES_PER_REQUEST,
                () -> GROUPLESS_REQUESTS + " groupless tokens grew the log by " + grownBytes + " bytes:\n" + grown);
    }

    @Test
    void tokenWithEmptyGroupsIsAnswered404(Gateway gateway) throws Exception {
        problem(gateway.post("orders").token(TestTokens.serviceToken().sign()).json(MESSAGE), 404);
    }

    @Test
    void groupsAsOneStringMayProduceToThatGroupsTopics(Gateway gateway) throws Exception {
        String token = TestTokens.serviceToken().claim("groups", Json.createValue("orders-writer")).sign();

        messageIds(gateway.post("orders").token(token).json(MESSAGE));
        problem(gateway.post("audit").token(token).json(MESSAGE), 404);
    }

    @Test
    void tokenWithoutUpnIsAcceptedByItsPreferredUsernameOrItsSub(Gateway gateway) throws Exception {
        messageIds(gateway.post("orders").token(TestTokens.serviceToken("orders-writer").withoutClaim("upn")
                .claim("preferred_username", Json.createValue("service-account-orders")).sign()).json(MESSAGE));
        messageIds(gateway.post("orders").token(TestTokens.serviceToken("orders-writer").withoutClaim("upn").sign()).json(MESSAGE));
    }

    @Test
    void keycloakTokenWithItsOwnClaimsIsAuthorizedByItsGroupsAlone(Gateway gateway) throws Exception {
        TestTokens keycloakLike = TestTokens.serviceToken("orders-writer")
                .claim("typ", Json.createValue("Bearer"))
                .claim("azp", Json.createValue("orders-service"))
                .claim("aud", Json.createArrayBuilder().add("account").add("pipeline").build())
                .claim("scope", Json.createValue("microprofile-jwt profile email"))
                .claim("preferred_username", Json.createValue("service-account-orders-service"))
                .claim("realm_access", Json.createObjectBuilder().add("roles", Json.createArrayBuilder().add("auditor")).build())
                .claim("resource_access", Json.createObjectBuilder().add("account", Json.createObjectBuilder()
                        .add("roles", Json.createArrayBuilder().add("view-profile"))).build())
                .claim("email_verified", JsonValue.FALSE)
                .claim("acr", Json.createValue("1"));

        messageIds(gateway.post("orders").token(keycloakLike.sign()).json(MESSAGE));
        problem(gateway.post("audit").token(keycloakLike.sign()).json(MESSAGE), 404);
    }

    @Test
    void imsOrgThatIsNotAStringIsAnswered401(Gateway gateway) throws Exception {
        for (JsonValue org : new JsonValue[] {Json.createValue(42), JsonValue.NULL,
                Json.createObjectBuilder().add("id", "ACME@AdobeOrg").build()}) {
            String token = TestTokens.serviceToken("orders-writer").claim("imsOrg", org).sign();
            HttpResponse<String> response = gateway.post("orders").token(token).json(MESSAGE);

            assertTrue(problem(response, 401).contains("imsOrg"), response.body());
            assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"), org::toString);
        }
    }

    @Test
    void groupsThatAreNotStringsAreAnswered401(Gateway gateway) throws Exception {
        problem(gateway.post("orders").token(TestTokens.serviceToken()
                .claim("groups", Json.createArrayBuilder().add(1).add(2).build()).sign()).json(MESSAGE), 401);
        problem(gateway.post("orders").token(TestTokens.serviceToken()
                .claim("groups", Json.createObjectBuilder().add("orders-writer", true).build()).sign()).json(MESSAGE), 401);
    }

    @Test
    void mpJwtClaimsOfAnotherTypeAreAnswered401NotA500(Gateway gateway) throws Exception {
        problem(gateway.post("orders").token(TestTokens.serviceToken("orders-writer")
                .claim("upn", Json.createValue(42)).sign()).json(MESSAGE), 401);
        problem(gateway.post("orders").token(TestTokens.serviceToken("orders-writer")
                .claim("aud", Json.createValue(42)).sign()).json(MESSAGE), 401);
    }


}
