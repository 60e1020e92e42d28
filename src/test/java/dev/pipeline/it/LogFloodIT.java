package dev.pipeline.it;

import static dev.pipeline.it.LogMarkers.awaitLog;
import static dev.pipeline.it.LogMarkers.marker;
import static dev.pipeline.it.Responses.messageIds;
import static dev.pipeline.it.Responses.problem;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * On a stock Payara Micro, without the project's boot commands (which set the levels of Payara's
 * MP-JWT logger and Weld's), no client can fill the log: neither with a stale token (Payara alone
 * logs a 4.7 KB stack trace for each rejection) nor with messages that are stored (Weld alone warns
 * four to five times, about 600 bytes, for every asynchronous request, and the embedded broker's
 * audit logger writes 1.5 KB for every message).
 */
class LogFloodIT extends StockPayaraTest {

    private static final int REQUESTS = 200;
    private static final int MAX_LOG_BYTES_PER_REQUEST = 200;
    private static final String CATALOGUE = "{\"topics\":[{\"name\":\"orders\",\"ttl\":\"PT1H\",\"producers\":[\"orders-writer\"]}]}";

    @Test
    void twoHundredExpiredTokensAreEachAnswered401AndGrowTheLogByAtMost200BytesEach() throws Exception {
        Path dir = PayaraMicro.instanceDir("rejected-token-log");
        Path catalogue = TestFiles.write(dir.resolve("topics.json"), CATALOGUE);
        // No broker: the tokens are refused before any message would reach one.
        try (StockGateway stock = startStock("rejected-token-log", Map.of(
                "pipeline.broker.url", "tcp://localhost:" + PayaraMicro.freePort(),
                "pipeline.topics.file", catalogue.toString(),
                "mp.jwt.verify.publickey.location", TestTokens.writePublicKey(dir.resolve("publicKey.pem")).toUri().toString(),
                "mp.jwt.verify.issuer", TestTokens.ISSUER))) {
            PayaraMicro payara = stock.payara();
            Gateway gateway = stock.gateway();
            String valid = TestTokens.serviceToken("orders-writer").sign();
            String expired = TestTokens.serviceToken("orders-writer").expiredSince(Duration.ofMinutes(5)).sign();

            String start = marker(gateway, valid);
            String before = awaitLog(payara, start);
            int from = before.indexOf('\n', before.indexOf(start)) + 1;
            for (int i = 0; i < REQUESTS; i++) {
                problem(gateway.post("orders").token(expired).json("{\"message\":\"m\"}"), 401);
            }
            String end = marker(gateway, valid);
            String log = awaitLog(payara, end);
            String grown = log.substring(from, log.lastIndexOf('\n', log.indexOf(end)) + 1);
            int grownBytes = grown.getBytes(StandardCharsets.UTF_8).length;

            assertFalse(grown.contains("JWTProcessingException"), "no stack trace per rejected token");
            assertTrue(grownBytes <= REQUESTS * MAX_LOG_BYTES_PER_REQUEST,
                    () -> REQUESTS + " rejected tokens grew the log by " + grownBytes + " bytes:\n" + grown);
        }
    }

    @Test
    void twoHundredStoredMessagesLeaveNoWarningOfWeldInTheLog() throws Exception {
        Path dir = PayaraMicro.instanceDir("stored-messages-log");
        Path catalogue = TestFiles.write(dir.resolve("topics.json"), CATALOGUE);
        // No broker URL: the embedded broker stores the messages.
        try (StockGateway stock = startStock("stored-messages-log", Map.of(
                "pipeline.broker.data-dir", dir.resolve("broker").toString(),
                "pipeline.broker.embedded-acceptor", "tcp://localhost:" + PayaraMicro.freePort(),
                "pipeline.topics.file", catalogue.toString(),
                "mp.jwt.verify.publickey.location", TestTokens.writePublicKey(dir.resolve("publicKey.pem")).toUri().toString(),
                "mp.jwt.verify.issuer", TestTokens.ISSUER))) {
            PayaraMicro payara = stock.payara();
            Gateway gateway = stock.gateway();
            String token = TestTokens.serviceToken("orders-writer").sign();

            String start = marker(gateway, token);
            String before = awaitLog(payara, start);
            int from = before.indexOf('\n', before.indexOf(start)) + 1;
            for (int i = 0; i < REQUESTS; i++) {
                messageIds(gateway.post("orders").token(token).json("{\"message\":\"m\"}"));
            }
            String end = marker(gateway, token);
            String log = awaitLog(payara, end);
            String grown = log.substring(from, log.lastIndexOf('\n', log.indexOf(end)) + 1);

            assertFalse(grown.contains("WELD-"), () -> REQUESTS + " stored messages logged Weld warnings:\n" + grown);
            assertTrue(grown.getBytes(StandardCharsets.UTF_8).length <= REQUESTS * MAX_LOG_BYTES_PER_REQUEST, grown);
        }
    }


}
