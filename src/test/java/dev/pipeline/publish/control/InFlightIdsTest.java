package dev.pipeline.publish.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class InFlightIdsTest {

    private final InFlightIds inFlight = new InFlightIds();

    @Test
    void idInFlightIsClaimedOnlyOnceItsHolderReleasesAndTheCallerNeverWaits() {
        InFlightIds.Claim first = claimed("orders", "a", "b");
        CompletableFuture<InFlightIds.Claim> second = inFlight.claim("orders", List.of("c", "b")).toCompletableFuture();

        assertFalse(second.isDone());
        first.close();
        assertTrue(second.isDone());
        second.join().close();
        assertEquals(0, inFlight.size());
    }

    @Test
    void sameIdOnAnotherTopicAndOtherIdsAreIndependent() {
        claimed("orders", "a");

        assertTrue(inFlight.claim("clicks", List.of("a")).toCompletableFuture().isDone());
        assertTrue(inFlight.claim("orders", List.of("z")).toCompletableFuture().isDone());
        assertFalse(inFlight.claim("orders", List.of("a")).toCompletableFuture().isDone());
    }

    @Test
    void claimsOfOverlappingIdsInAnyOrderDoNotWaitOnEachOther() {
        InFlightIds.Claim holder = claimed("orders", "m");
        CompletableFuture<InFlightIds.Claim> ab = inFlight.claim("orders", List.of("a", "m", "z")).toCompletableFuture();
        CompletableFuture<InFlightIds.Claim> ba = inFlight.claim("orders", List.of("z", "m", "a")).toCompletableFuture();

        holder.close();
        CompletableFuture<InFlightIds.Claim> firstDone = ab.isDone() ? ab : ba;
        CompletableFuture<InFlightIds.Claim> other = firstDone == ab ? ba : ab;
        assertTrue(firstDone.isDone());
        assertFalse(other.isDone());
        firstDone.join().close();
        assertTrue(other.isDone());
        other.join().close();
        assertEquals(0, inFlight.size());
    }

    @Test
    void releasingTwiceFreesNothingAnotherClaimHolds() {
        InFlightIds.Claim first = claimed("orders", "a");
        first.close();
        InFlightIds.Claim second = claimed("orders", "a");

        first.close();

        assertFalse(inFlight.claim("orders", List.of("a")).toCompletableFuture().isDone());
        second.close();
    }

    private InFlightIds.Claim claimed(String topic, String... ids) {
        CompletableFuture<InFlightIds.Claim> claim = inFlight.claim(topic, List.of(ids)).toCompletableFuture();
        assertTrue(claim.isDone());
        return claim.join();
    }
}
