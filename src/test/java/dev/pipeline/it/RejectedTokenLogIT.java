package dev.pipeline.it;

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
 * On a stock Payara Micro, without the project's boot commands (which set the level of Payara's
 * MP-JWT logger), a client with a stale token cannot fill the log: the WAR keeps each rejection
 * to a fraction of a line, where Payara alone logs a 4.7 KB stack trace for each.
 */
class RejectedTokenLogIT extends StockPayaraTest {

    private static final int REQUESTS = 200;
    private static final int MAX_LOG_BYTES_PER_REQUEST = 200;

    @Test
    void twoHundredExpiredTokensAreEachAnswered401AndGrowTheLogByAtMost200BytesEach() throws Exception {
        Path dir = PayaraMicro.instanceDir("rejected-token-log");
        Path catalogue = TestFiles.write(dir.resolve("topics.json"),
                "{\"topics\":[{\"name\":\"orders\",\"ttl\":\"PT1H\",\"producers\":[\"orders-writer\"]}]}");
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
