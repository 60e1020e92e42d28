package dev.pipeline.it;

import static dev.pipeline.it.Responses.messageIds;
import static dev.pipeline.it.Responses.problem;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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

    /**
     * Sends a request the service logs in one INFO line naming a unique field (a 400), and returns
     * that text: records are written in order, so once it is in the file, so is all logged before.
     */
    private static String marker(Gateway gateway, String token) throws Exception {
        String field = "marker" + UUID.randomUUID().toString().replace("-", "");
        problem(gateway.post("orders").token(token).json("{\"message\":\"m\",\"" + field + "\":\"x\"}"), 400);
        return "unknown field '" + field + "'";
    }

    /** The log once it holds the text. */
    private static String awaitLog(PayaraMicro payara, String text) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        String log = payara.log();
        while (!log.contains(text)) {
            assertTrue(Instant.now().isBefore(deadline), () -> "never logged: " + text);
            TimeUnit.MILLISECONDS.sleep(50);
            log = payara.log();
        }
        return log;
    }
}
