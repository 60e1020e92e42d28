package dev.pipeline.publish.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipeline.problem.UnavailableException;
import dev.pipeline.publish.boundary.Admission;
import dev.pipeline.publish.entity.Outgoing;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PendingBytesTest {

    private final PendingBytes pending = new PendingBytes(1_000, 600);

    @Test
    void expectedBodyIsCountedWholeBeforeItIsReadAndItsReadingCostsNothingMore() {
        Admission admission = pending.admit("orders");

        admission.expect(100);
        assertEquals(PendingBytes.READING * 100, pending.total());
        admission.read(60);
        admission.read(40);
        assertEquals(PendingBytes.READING * 100, pending.total(), "the expected bytes were counted already");
        admission.read(10);
        assertEquals(PendingBytes.READING * 110, pending.total(), "bytes beyond the expected ones count as read");
    }

    @Test
    void bodyPastTheTopicsShareIsRefusedBeforeAnyOfItIsReadAndHoldsNothing() {
        Admission first = pending.admit("orders");
        first.expect(100);

        UnavailableException refused = assertThrows(UnavailableException.class, () -> pending.admit("orders").expect(100));
        assertTrue(refused.getMessage().contains("'orders'"), refused.getMessage());
        assertEquals(PendingBytes.READING * 100, pending.of("orders"), "the refused request holds nothing");
        pending.admit("clicks").expect(100);
        assertThrows(UnavailableException.class, () -> pending.admit("audit").expect(100), "the bound in all");
    }

    @Test
    void holdingItsMessagesReplacesWhatTheBodyCountedAndClosingGivesAllBack() {
        Admission admission = pending.admit("orders");
        admission.expect(100);
        Outgoing message = Outgoing.text("m", "x".repeat(20), Map.of());

        admission.hold(List.of(message));
        assertEquals(PendingBytes.HOLDING * message.size(), pending.total());
        admission.close();
        admission.close();
        assertEquals(0, pending.total());
        assertEquals(0, pending.of("orders"));
    }

    @Test
    void bodyReadInChunksIsRefusedOnceItPassesTheBound() {
        Admission admission = pending.admit("orders");
        admission.read(100);

        assertThrows(UnavailableException.class, () -> admission.read(100));
        assertEquals(0, pending.total(), "a refused request gives back what it held");
    }
}
