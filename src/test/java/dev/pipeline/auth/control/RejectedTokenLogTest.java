package dev.pipeline.auth.control;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RejectedTokenLogTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final RejectedTokenLog log = new RejectedTokenLog(now::get);

    @Test
    void theFirstRefusalIsCountedAtOnce() {
        assertTrue(log.countRefusal().contains("since the last such line: 1 "));
    }

    @Test
    void refusalsWithinAMinuteOfTheLastCountAreNotLogged() {
        log.countRefusal();
        for (int i = 0; i < 1_000; i++) {
            now.addAndGet(59);
            assertNull(log.countRefusal());
        }
    }

    @Test
    void aMinuteLaterTheNextRefusalCountsAllSinceTheLastLine() {
        log.countRefusal();
        for (int i = 0; i < 199; i++) {
            log.countRefusal();
        }
        now.addAndGet(RejectedTokenLog.SUMMARY_INTERVAL_MILLIS);

        assertTrue(log.countRefusal().contains("since the last such line: 200 "));
    }

    @Test
    void theCountLineIsShort() {
        assertTrue(log.countRefusal().length() < 160);
    }
}
