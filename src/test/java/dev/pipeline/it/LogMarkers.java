package dev.pipeline.it;

import static dev.pipeline.it.Responses.problem;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Points in a gateway's log: a test brackets what it does with two markers and reads what was
 * logged between them, however the log is buffered, since records are written in order.
 */
final class LogMarkers {

    private LogMarkers() {
    }

    /** Sends a request the service logs in one line naming a unique field (a 400), and returns that text. */
    static String marker(Gateway gateway, String token) throws Exception {
        String field = "marker" + UUID.randomUUID().toString().replace("-", "");
        problem(gateway.post("orders").token(token).json("{\"message\":\"m\",\"" + field + "\":\"x\"}"), 400);
        return "unknown field '" + field + "'";
    }

    /** The log once it holds the text (30 s at most). */
    static String awaitLog(PayaraMicro payara, String text) throws IOException, InterruptedException {
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
