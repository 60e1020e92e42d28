package dev.pipeline.produce.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class FailedRequestLogTest {

    private static final int LINES_PER_MINUTE = 20;

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final FailedRequestLog log = new FailedRequestLog(Logger.getLogger(FailedRequestLogTest.class.getName()),
            LINES_PER_MINUTE, clock::get);

    @Test
    void eachFailureIsOneLineNamingTopicStatusAndReason() {
        assertEquals(List.of("POST topics/orders/messages answered 400: unknown field 'colour'"),
                log.lines("orders", 400, "unknown field 'colour'"));
    }

    @Test
    void aClientFailingFastCostsAtMostTheLinesOfAMinuteAndThenOneCount() {
        int logged = 0;
        for (int i = 0; i < 1_000; i++) {
            logged += log.lines("orders", 400, "malformed JSON").size();
        }
        assertEquals(LINES_PER_MINUTE, logged);

        clock.addAndGet(60_000);
        List<String> next = log.lines("orders", 400, "malformed JSON");

        assertEquals(2, next.size(), next.toString());
        assertTrue(next.get(0).startsWith((1_000 - LINES_PER_MINUTE) + " more failed produce requests"), next.get(0));
    }

    @Test
    void aReasonQuotingTheClientIsCut() {
        String line = log.lines("orders", 400, "unknown field '" + "x".repeat(100_000) + "'").get(0);

        assertTrue(line.length() < FailedRequestLog.MAX_REASON_CHARS + 100, "length " + line.length());
        assertTrue(line.endsWith("(100016 characters)"), line.substring(line.length() - 40));
    }
}
