package dev.pipeline.auth.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenAudiencesTest {

    @Test
    void theAudiencesAreTheCommaSeparatedEntriesAsWritten() {
        assertEquals(List.of("pipeline-gateway"), TokenAudiences.entries("pipeline-gateway"));
        assertEquals(List.of("pipeline-gateway", "https://pipeline.example.com"),
                TokenAudiences.entries("pipeline-gateway,https://pipeline.example.com"));
    }

    @Test
    void aListWithoutSpacesGivesNoWarning() {
        assertEquals(Optional.empty(), TokenAudiences.warning("pipeline-gateway,other"));
    }

    @Test
    void entriesWithWhiteSpaceAroundThemAreNamedInAWarningSinceNoTokenMatchesThem() {
        String warning = TokenAudiences.warning("pipeline-gateway, other ,third").orElseThrow();

        assertTrue(warning.contains("[' other ']"), warning);
        assertTrue(warning.contains("mp.jwt.verify.audiences"), warning);
    }

    @Test
    void emptyEntriesAreNamedInAWarning() {
        assertTrue(TokenAudiences.warning("pipeline-gateway,,other").orElseThrow().contains("['']"));
        assertTrue(TokenAudiences.warning(" ").orElseThrow().contains("[' ']"));
    }
}
