package dev.pipeline.produce.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TraceContextTest {

    private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void wellFormedTraceparentIsPassedOn() {
        assertEquals(Optional.of(VALID), TraceContext.valid(VALID));
    }

    @Test
    void surroundingWhitespaceIsTrimmed() {
        assertEquals(Optional.of(VALID), TraceContext.valid("  " + VALID + " "));
    }

    @Test
    void futureVersionWithExtraFieldsIsPassedOn() {
        String future = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds";

        assertEquals(Optional.of(future), TraceContext.valid(future));
    }

    @Test
    void versionZeroWithExtraFieldsIsDropped() {
        assertEquals(Optional.empty(),
                TraceContext.valid("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds"));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @NullAndEmptySource
    @ValueSource(strings = {
            "garbage",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
            "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
            "0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
    })
    void malformedTraceparentIsDropped(String traceparent) {
        assertEquals(Optional.empty(), TraceContext.valid(traceparent));
    }

    @Test
    void allZeroTraceIdIsDropped() {
        assertEquals(Optional.empty(), TraceContext.valid("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
    }

    @Test
    void allZeroParentIdIsDropped() {
        assertEquals(Optional.empty(), TraceContext.valid("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"));
    }

    @Test
    void versionFfIsDropped() {
        assertEquals(Optional.empty(), TraceContext.valid("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
    }
}
