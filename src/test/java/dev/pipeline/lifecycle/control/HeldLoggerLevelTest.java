package dev.pipeline.lifecycle.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class HeldLoggerLevelTest {

    /** A logger of this test alone; the strong reference keeps its level observable. */
    private final Logger logger = Logger.getLogger("test.container." + UUID.randomUUID());

    private Optional<HeldLoggerLevel> hold(Map<String, String> logManagerProperties) {
        return HeldLoggerLevel.hold(logger.getName(), Level.WARNING, logManagerProperties::get);
    }

    @Test
    void anUnconfiguredLoggerIsHeldAtTheLevel() {
        Optional<HeldLoggerLevel> held = hold(Map.of());

        assertTrue(held.isPresent());
        assertEquals(Level.WARNING, logger.getLevel());
        assertEquals(false, logger.isLoggable(Level.INFO));
    }

    @Test
    void aLevelConfiguredInTheLoggingPropertiesIsLeftAlone() {
        Optional<HeldLoggerLevel> held = hold(Map.of(logger.getName() + ".level", "INFO"));

        assertTrue(held.isEmpty());
        assertNull(logger.getLevel());
    }

    @Test
    void aLevelSetOnTheLoggerIsLeftAlone() {
        logger.setLevel(Level.FINE);

        assertTrue(hold(Map.of()).isEmpty());
        assertEquals(Level.FINE, logger.getLevel());
    }

    @Test
    void releaseGivesTheLoggerBackItsParentsLevel() {
        hold(Map.of()).orElseThrow().release();

        assertNull(logger.getLevel());
    }

    @Test
    void releaseLeavesALevelSetMeanwhile() {
        HeldLoggerLevel held = hold(Map.of()).orElseThrow();
        logger.setLevel(Level.ALL);

        held.release();

        assertEquals(Level.ALL, logger.getLevel());
    }

    @Test
    void holdAllHoldsEachNameNotSetAlreadyAndLeavesTheOther() {
        Logger chosen = Logger.getLogger("test.container." + UUID.randomUUID());
        chosen.setLevel(Level.FINE);

        List<HeldLoggerLevel> held = HeldLoggerLevel.holdAll(List.of(logger.getName(), chosen.getName()), Level.SEVERE);

        assertEquals(List.of(logger.getName()), held.stream().map(HeldLoggerLevel::name).toList());
        assertEquals(Level.SEVERE, logger.getLevel());
        assertEquals(Level.FINE, chosen.getLevel());
        held.forEach(HeldLoggerLevel::release);
        assertNull(logger.getLevel());
    }
}
