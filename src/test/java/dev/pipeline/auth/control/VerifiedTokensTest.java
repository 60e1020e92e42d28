package dev.pipeline.auth.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VerifiedTokensTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final long IN_AN_HOUR = TimeUnit.MILLISECONDS.toSeconds(NOW) + 3600;

    private final AtomicLong clock = new AtomicLong(NOW);
    private final VerifiedTokens<String> tokens = new VerifiedTokens<>(3, 60_000, clock::get);

    @Test
    void aVerifiedTokenIsKnownByItsWholeTextOnly() {
        tokens.put("header.payload.signature", IN_AN_HOUR, "writer");

        assertEquals("writer", tokens.get("header.payload.signature"));
        assertNull(tokens.get("header.payload.signaturf"), "one byte changed is another token");
        assertNull(tokens.get("header.payload.signature "), "so is one byte more");
        assertNull(tokens.get("header.payload"), "or less");
    }

    @Test
    void clearedTokensAreVerifiedAgain() {
        tokens.put("header.payload.signature", IN_AN_HOUR, "writer");

        tokens.clear();

        assertNull(tokens.get("header.payload.signature"));
    }

    @Test
    void aTokenIsNeverAnsweredFromItsExpOn() {
        long exp = TimeUnit.MILLISECONDS.toSeconds(NOW) + 10;
        tokens.put("t", exp, "writer");

        clock.set(TimeUnit.SECONDS.toMillis(exp) - 1);
        assertEquals("writer", tokens.get("t"));
        clock.set(TimeUnit.SECONDS.toMillis(exp));
        assertNull(tokens.get("t"), "expired at exp, as the token check itself has it");
    }

    @Test
    void anAlreadyExpiredTokenIsNotRemembered() {
        tokens.put("t", TimeUnit.MILLISECONDS.toSeconds(NOW) - 1, "writer");

        assertNull(tokens.get("t"));
    }

    @Test
    void aTokenIsVerifiedAgainAfterTheMaximumAgeThoughItsExpIsLater() {
        tokens.put("t", IN_AN_HOUR, "writer");

        clock.addAndGet(59_999);
        assertEquals("writer", tokens.get("t"));
        clock.addAndGet(1);
        assertNull(tokens.get("t"));
    }

    @Test
    void whenFullNewTokensAreNotRememberedUntilOthersExpire() {
        tokens.put("a", IN_AN_HOUR, "1");
        tokens.put("b", IN_AN_HOUR, "2");
        tokens.put("c", TimeUnit.MILLISECONDS.toSeconds(NOW) + 5, "3");

        tokens.put("d", IN_AN_HOUR, "4");
        assertNull(tokens.get("d"), "no room");
        assertEquals(3, tokens.size());

        clock.addAndGet(5_000);
        tokens.put("d", IN_AN_HOUR, "4");
        assertEquals("4", tokens.get("d"), "room made by dropping the expired one");
        assertEquals(3, tokens.size());
    }
}
