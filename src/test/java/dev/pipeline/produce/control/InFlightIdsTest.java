package dev.pipeline.produce.control;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class InFlightIdsTest {

    private final InFlightIds inFlight = new InFlightIds();

    @Test
    void idBeingPublishedCannotBeClaimedAgainUntilReleased() throws Exception {
        try (InFlightIds.Claim first = inFlight.claim("orders", List.of("a", "b"), 0)) {
            assertThrows(TimeoutException.class, () -> inFlight.claim("orders", List.of("c", "b"), 50));
        }
        inFlight.claim("orders", List.of("c", "b"), 0).close();
    }

    @Test
    void sameIdOnAnotherTopicOrOtherIdsAreIndependent() throws Exception {
        try (InFlightIds.Claim first = inFlight.claim("orders", List.of("a"), 0);
                InFlightIds.Claim otherTopic = inFlight.claim("clicks", List.of("a"), 0);
                InFlightIds.Claim otherId = inFlight.claim("orders", List.of("z"), 0)) {
            assertThrows(TimeoutException.class, () -> inFlight.claim("orders", List.of("a"), 0));
        }
    }

    @Test
    void failedClaimHoldsNothing() throws Exception {
        try (InFlightIds.Claim first = inFlight.claim("orders", List.of("b"), 0)) {
            assertThrows(TimeoutException.class, () -> inFlight.claim("orders", List.of("a", "b"), 0));
            inFlight.claim("orders", List.of("a"), 0).close();
        }
    }

    @Test
    void waitingClaimProceedsWhenTheHolderReleases() throws Exception {
        InFlightIds.Claim first = inFlight.claim("orders", List.of("a"), 0);
        Thread releaser = new Thread(first::close);
        releaser.start();
        inFlight.claim("orders", List.of("a"), 10_000).close();
        releaser.join();
    }
}
