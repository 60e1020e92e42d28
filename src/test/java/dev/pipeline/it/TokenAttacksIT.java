package dev.pipeline.it;

import static dev.pipeline.it.Responses.messageIds;
import static dev.pipeline.it.Responses.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tokens made to get past a JWT check (issue 17's list), each answered 401 with the Bearer
 * challenge, and the gateway still serving a valid token afterwards. The gateway verifies with one
 * RSA key (PEM) and its issuer; an attacker holds another key pair ("foreign").
 */
@ExtendWith(ArquillianExtension.class)
@ExtendWith(SharedGateway.class)
class TokenAttacksIT {

    private static final String MESSAGE = "{\"message\":\"hello\"}";

    @Deployment(testable = false)
    static WebArchive pipeline() {
        return Deployments.pipeline();
    }

    @Test
    void algNoneInAnySpellingIsRejectedWith401(Gateway gateway) throws Exception {
        for (String none : List.of("none", "None", "NONE", "nOnE")) {
            String token = TestTokens.serviceToken("orders-writer").signedUnderHeader("{\"alg\":\"" + none + "\",\"typ\":\"JWT\"}");
            String[] parts = token.split("\\.");
            assertUnauthorized(gateway.post("orders").token(parts[0] + "." + parts[1] + ".").json(MESSAGE), "alg " + none);
        }
        stillServes(gateway);
    }

    @Test
    void hs256SignedWithThePublicKeyIsRejectedWith401(Gateway gateway) throws Exception {
        assertUnauthorized(gateway.post("orders").token(TestTokens.serviceToken("orders-writer").hmacSignedWithPublicKey()).json(MESSAGE), "HS256");
        stillServes(gateway);
    }

    @Test
    void kidsWithPathsOrSqlSignedWithAForeignKeyAreRejectedWith401(Gateway gateway) throws Exception {
        for (String kid : List.of("../../../../../../dev/null", "/etc/passwd", "file:///etc/passwd", "' OR '1'='1' --",
                "x\\\"; DROP TABLE keys; --", "classpath:META-INF/microprofile-config.properties", "")) {
            String header = Json.createObjectBuilder().add("alg", "RS256").add("typ", "JWT").add("kid", kid).build().toString();
            String token = TestTokens.serviceToken("orders-writer").signedWithForeignKey().signedUnderHeader(header);
            assertUnauthorized(gateway.post("orders").token(token).json(MESSAGE), "kid " + kid);
        }
        stillServes(gateway);
    }

    @Test
    void headersThatBringTheirOwnKeyAreIgnoredAndTheForeignSignatureRejectedWith401(Gateway gateway) throws Exception {
        String jwk = TestTokens.foreignJwk();
        for (String header : List.of(
                "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"jwk\":" + jwk + "}",
                "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"jku\":\"http://127.0.0.1:1/jwks.json\"}",
                "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5u\":\"http://127.0.0.1:1/cert.pem\"}",
                "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"attacker\",\"jku\":\"http://127.0.0.1:1/jwks.json\",\"jwk\":" + jwk + "}")) {
            String token = TestTokens.serviceToken("orders-writer").signedWithForeignKey().signedUnderHeader(header);
            assertUnauthorized(gateway.post("orders").token(token).json(MESSAGE), header);
        }
        stillServes(gateway);
    }

    @Test
    void aCriticalHeaderTheVerifierDoesNotKnowIsRejectedWith401EvenWithTheRightKey(Gateway gateway) throws Exception {
        String token = TestTokens.serviceToken("orders-writer")
                .signedUnderHeader("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"crit\":[\"urn:pipeline:test\"],\"urn:pipeline:test\":true}");
        assertUnauthorized(gateway.post("orders").token(token).json(MESSAGE), "crit");
        stillServes(gateway);
    }

    /**
     * RFC 7797's {@code b64: false}: Payara's verifier (Nimbus) reads the payload part as the very
     * bytes it checks the signature over, so no token can carry claims other than those signed. A
     * token the issuer's key signed that way is accepted as Payara's MP-JWT accepts it; signed with
     * another key, or with the header switched to {@code b64: false} after signing, it is refused.
     */
    @Test
    void anUnencodedPayloadTokenCarriesOnlyTheClaimsItsSignatureCovers(Gateway gateway) throws Exception {
        messageIds(gateway.post("orders").token(TestTokens.serviceToken("orders-writer").unencodedPayload()).json(MESSAGE));
        assertUnauthorized(gateway.post("orders").token(TestTokens.serviceToken("orders-writer").signedWithForeignKey().unencodedPayload())
                .json(MESSAGE), "b64 false, foreign key");
        String signed = TestTokens.serviceToken("orders-writer").sign();
        String switched = TestTokens.encodeSegment("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"b64\":false,\"crit\":[\"b64\"]}")
                + signed.substring(signed.indexOf('.'));
        assertUnauthorized(gateway.post("orders").token(switched).json(MESSAGE), "b64 false after signing");
        stillServes(gateway);
    }

    @Test
    void encryptedAndNestedTokensAreRejectedWith401(Gateway gateway) throws Exception {
        Base64.Encoder base64url = Base64.getUrlEncoder().withoutPadding();
        String junk = base64url.encodeToString("not really encrypted".getBytes(StandardCharsets.UTF_8));
        String signedInside = TestTokens.serviceToken("orders-writer").sign();
        for (String header : List.of("{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\"}",
                "{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\",\"cty\":\"JWT\"}",
                "{\"alg\":\"dir\",\"enc\":\"A128CBC-HS256\",\"cty\":\"JWT\"}")) {
            String jwe = TestTokens.encodeSegment(header) + "." + junk + "." + junk + "."
                    + base64url.encodeToString(signedInside.getBytes(StandardCharsets.US_ASCII)) + "." + junk;
            assertUnauthorized(gateway.post("orders").token(jwe).json(MESSAGE), header);
        }
        stillServes(gateway);
    }

    /**
     * MicroProfile JWT (and Payara's verifier) checks {@code exp}, and {@code iat} only against
     * {@code mp.jwt.verify.token.age}; it has no rule for {@code nbf} or an {@code iat} ahead of the
     * clock. A token the issuer signed is accepted as MP-JWT accepts it; a forged one never.
     */
    @Test
    void nbfOrIatInTheFutureIsJudgedAsMicroProfileJwtJudgesIt(Gateway gateway) throws Exception {
        long inAnHour = Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
        for (String claim : List.of("nbf", "iat")) {
            TestTokens issued = TestTokens.serviceToken("orders-writer").claim(claim, Json.createValue(inAnHour))
                    .expiresAt(Instant.now().plus(Duration.ofHours(2)));
            messageIds(gateway.post("orders").token(issued.sign()).json(MESSAGE));
            assertUnauthorized(gateway.post("orders").token(issued.signedWithForeignKey().sign()).json(MESSAGE), claim + " forged");
        }
    }

    @Test
    void aTypeOtherThanJwtIsRejectedWith401EvenWithTheRightKey(Gateway gateway) throws Exception {
        for (String typ : List.of("at+jwt", "JWE", "jwt+xml")) {
            String token = TestTokens.serviceToken("orders-writer").signedUnderHeader("{\"alg\":\"RS256\",\"typ\":\"" + typ + "\"}");
            assertUnauthorized(gateway.post("orders").token(token).json(MESSAGE), "typ " + typ);
        }
        stillServes(gateway);
    }

    @Test
    void es256TokensAreRejectedWith401WhateverTheirCurve(Gateway gateway) throws Exception {
        assertUnauthorized(gateway.post("orders").token(TestTokens.serviceToken("orders-writer")
                .es256SignedWith(TestTokens.ecKeys("secp256r1"), 32)).json(MESSAGE), "ES256 on P-256, foreign key");
        assertUnauthorized(gateway.post("orders").token(TestTokens.serviceToken("orders-writer")
                .es256SignedWith(TestTokens.ecKeys("secp384r1"), 48)).json(MESSAGE), "ES256 on P-384");
        assertUnauthorized(gateway.post("orders").token(TestTokens.serviceToken("orders-writer")
                .es256SignedWith(TestTokens.ecKeys("secp521r1"), 66)).json(MESSAGE), "ES256 on P-521");
        stillServes(gateway);
    }

    @Test
    void theRightKeyWithTheWrongIssuerIsRejectedWith401(Gateway gateway) throws Exception {
        for (String issuer : List.of("https://attacker.test", TestTokens.ISSUER + "/", TestTokens.ISSUER.toUpperCase(), "")) {
            assertUnauthorized(gateway.post("orders").token(TestTokens.serviceToken("orders-writer").issuer(issuer).sign()).json(MESSAGE),
                    "iss " + issuer);
        }
        stillServes(gateway);
    }

    @Test
    void oneBitFlippedInTheMiddleOfAnAcceptedTokensSignatureIsRejectedWith401(Gateway gateway) throws Exception {
        String token = TestTokens.serviceToken("orders-writer").sign();
        messageIds(gateway.post("orders").token(token).json(MESSAGE));
        int dot = token.lastIndexOf('.');
        byte[] signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        for (int bit = 0; bit < 8; bit++) {
            byte[] flipped = signature.clone();
            flipped[flipped.length / 2] ^= (byte) (1 << bit);
            String forged = token.substring(0, dot + 1) + Base64.getUrlEncoder().withoutPadding().encodeToString(flipped);
            assertUnauthorized(gateway.post("orders").token(forged).json(MESSAGE), "bit " + bit);
        }
        messageIds(gateway.post("orders").token(token).json(MESSAGE));
    }

    @Test
    void oversizedHeadersAreRefusedWithout200Or5xx(Gateway gateway) throws Exception {
        String padding = "x".repeat(4_000);
        String token = TestTokens.serviceToken("orders-writer").signedWithForeignKey()
                .signedUnderHeader("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + padding + "\"}");
        assertUnauthorized(gateway.post("orders").token(token).json(MESSAGE), "a 5 KB header");
        for (int size : List.of(64 * 1024, 1024 * 1024)) {
            String huge = TestTokens.serviceToken("orders-writer").signedWithForeignKey()
                    .signedUnderHeader("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" + "x".repeat(size) + "\"}");
            try {
                int status = gateway.post("orders").token(huge).json(MESSAGE).statusCode();
                assertTrue(status >= 400 && status < 500, "a header of " + size + " bytes answered " + status);
            } catch (IOException refused) {
                // The container may close the connection on a header past its buffer: refused as well.
            }
        }
        stillServes(gateway);
    }

    private static void stillServes(Gateway gateway) throws Exception {
        assertEquals(1, messageIds(gateway.post("orders").token(TestTokens.serviceToken("orders-writer").sign()).json(MESSAGE)).size());
    }

    private static void assertUnauthorized(HttpResponse<String> response, String attack) {
        assertEquals(401, response.statusCode(), () -> attack + ": " + response.statusCode() + " " + response.body());
        problem(response, 401);
        String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
        assertTrue(challenge.startsWith("Bearer"), () -> attack + ": WWW-Authenticate " + challenge);
        assertFalse(response.body().contains("Exception"), () -> attack + ": " + response.body());
    }
}
