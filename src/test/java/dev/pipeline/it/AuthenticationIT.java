package dev.pipeline.it;

import static dev.pipeline.it.Responses.messageIds;
import static dev.pipeline.it.Responses.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every token the service must refuse gets 401 with a Bearer challenge and a problem body. */
@ExtendWith(ArquillianExtension.class)
@ExtendWith(SharedGateway.class)
class AuthenticationIT {

    private static final String MESSAGE = "{\"message\":\"hello\"}";

    @Deployment(testable = false)
    static WebArchive pipeline() {
        return Deployments.pipeline();
    }

    @Test
    void validServiceTokenIsAccepted(Gateway gateway) throws Exception {
        messageIds(gateway.post("orders").token(TestTokens.serviceToken("orders-writer").sign()).json(MESSAGE));
    }

    @Test
    void missingTokenIsRejectedWith401(Gateway gateway) throws Exception {
        assertUnauthorized(gateway.post("orders").json(MESSAGE));
    }

    @Test
    void nonBearerAuthorizationIsRejectedWith401(Gateway gateway) throws Exception {
        assertUnauthorized(gateway.post("orders").header("Authorization", "Basic dXNlcjpwYXNz").json(MESSAGE));
    }

    @Test
    void garbageTokenIsRejectedWith401(Gateway gateway) throws Exception {
        assertUnauthorized(gateway.post("orders").token("not-a-jwt").json(MESSAGE));
    }

    @Test
    void rejectedTokensLeaveNoStackTraceInTheLogWithTheShippedBootCommands(Gateway gateway) throws Exception {
        assertUnauthorized(gateway.post("orders").token("still-not-a-jwt").json(MESSAGE));

        String log = gateway.payara().log();
        assertTrue(log.contains("set-log-levels returned with result SUCCESS"), "the boot commands ran");
        assertFalse(log.contains("returned with result FAILURE"), "every boot command applied");
        assertFalse(log.contains("Exception trying to parse JWT token"), "no stack trace per rejected token");
    }

    @Test
    void unsignedAlgNoneTokenIsRejectedWith401(Gateway gateway) throws Exception {
        assertUnauthorized(gateway.post("orders").token(TestTokens.serviceToken("orders-writer").unsigned()).json(MESSAGE));
    }

    @Test
    void hs256TokenSignedWithThePublicKeyIsRejectedWith401(Gateway gateway) throws Exception {
        assertUnauthorized(gateway.post("orders")
                .token(TestTokens.serviceToken("orders-writer").hmacSignedWithPublicKey()).json(MESSAGE));
    }

    @Test
    void tokenSignedWithAForeignKeyIsRejectedWith401(Gateway gateway) throws Exception {
        assertUnauthorized(gateway.post("orders")
                .token(TestTokens.serviceToken("orders-writer").signedWithForeignKey().sign()).json(MESSAGE));
    }

    @Test
    void expiredTokenIsRejectedWith401(Gateway gateway) throws Exception {
        assertUnauthorized(gateway.post("orders")
                .token(TestTokens.serviceToken("orders-writer").expiredSince(Duration.ofMinutes(10)).sign()).json(MESSAGE));
    }

    @Test
    void tokenFromAnotherIssuerIsRejectedWith401(Gateway gateway) throws Exception {
        assertUnauthorized(gateway.post("orders")
                .token(TestTokens.serviceToken("orders-writer").issuer("https://elsewhere.test").sign()).json(MESSAGE));
    }

    @Test
    void tokenWithTamperedClaimsIsRejectedWith401(Gateway gateway) throws Exception {
        assertUnauthorized(gateway.post("audit")
                .token(TestTokens.serviceToken("clicks-writer").tamperedToGroups("auditor")).json(MESSAGE));
    }

    @Test
    void tamperingWithATokenAcceptedBeforeStillGets401(Gateway gateway) throws Exception {
        TestTokens writer = TestTokens.serviceToken("clicks-writer");
        messageIds(gateway.post("clicks").token(writer.sign()).json(MESSAGE));

        assertUnauthorized(gateway.post("audit").token(writer.tamperedToGroups("auditor")).json(MESSAGE));
    }

    /** Verified tokens are remembered: a token accepted before must still be refused from its exp on. */
    @Test
    void aTokenAcceptedBeforeIsRefusedFromItsExpiryOn(Gateway gateway) throws Exception {
        Instant expiry = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
        String token = TestTokens.serviceToken("orders-writer").expiresAt(expiry).sign();
        messageIds(gateway.post("orders").token(token).json(MESSAGE));

        HttpResponse<String> response;
        Instant sent;
        do {
            sent = Instant.now();
            response = gateway.post("orders").token(token).json(MESSAGE);
            assertFalse(response.statusCode() == 200 && !sent.isBefore(expiry),
                    "accepted a request sent at " + sent + ", after the token's exp " + expiry);
        } while (response.statusCode() == 200 && sent.isBefore(expiry.plusSeconds(5)));
        assertUnauthorized(response);
    }

    private static void assertUnauthorized(HttpResponse<String> response) {
        problem(response, 401);
        String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
        assertTrue(challenge.startsWith("Bearer"), "WWW-Authenticate: Bearer expected, got '" + challenge + "'");
        assertEquals(401, response.statusCode());
    }
}
