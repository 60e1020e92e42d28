package dev.pipeline.it;

import static dev.pipeline.it.Responses.messageIds;
import static dev.pipeline.it.Responses.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every token the service must refuse gets 401 with a Bearer challenge and a problem body. */
@ExtendWith(SharedGateway.class)
class AuthenticationIT {

    private static final String MESSAGE = "{\"message\":\"hello\"}";

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

    private static void assertUnauthorized(HttpResponse<String> response) {
        problem(response, 401);
        String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
        assertTrue(challenge.startsWith("Bearer"), "WWW-Authenticate: Bearer expected, got '" + challenge + "'");
        assertEquals(401, response.statusCode());
    }
}
