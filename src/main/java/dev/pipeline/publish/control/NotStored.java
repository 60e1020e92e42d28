package dev.pipeline.publish.control;

import dev.pipeline.problem.UnavailableException;
import dev.pipeline.topics.entity.Topic;

/** Every reason publishing answers 503, in one place, each with the same Retry-After. */
public final class NotStored {

    public static final int RETRY_AFTER_SECONDS = 2;
    private static final String SAFE_TO_RETRY = "; retrying with the same messageIds is safe";

    private NotStored() {
    }

    static UnavailableException stopping() {
        return unavailable("the service is stopping");
    }

    static UnavailableException brokerUnreachable() {
        return unavailable("the broker is not reachable" + SAFE_TO_RETRY);
    }

    static UnavailableException failed() {
        return unavailable("the broker did not store the message(s)" + SAFE_TO_RETRY);
    }

    /** The deadline passed before a send lane took the request: nothing of it was sent. */
    static UnavailableException notSentInTime() {
        return unavailable("the broker could not take the message(s) in time, none was sent" + SAFE_TO_RETRY);
    }

    /** The broker holds a send past the last guard: it may still store the messages later. */
    static UnavailableException notAnsweredInTime() {
        return unavailable("the broker has not answered in time (a full address that blocks producers, or a "
                + "stalled broker) and may still store the message(s); retry with the same messageIds after "
                + "Retry-After: what it stored is not stored again");
    }

    static UnavailableException failedOver() {
        return unavailable("the broker failed over while storing the message(s)" + SAFE_TO_RETRY
                + ": what it stored is not stored again");
    }

    static UnavailableException addressFull(Topic topic) {
        return unavailable("the broker's address for topic '" + topic.name() + "' is full" + SAFE_TO_RETRY);
    }

    static UnavailableException noSubscription(Topic topic) {
        return unavailable("topic '" + topic.name() + "' has no subscription on the broker, so messages sent now "
                + "would be lost; an operator must create one");
    }

    static UnavailableException tooManyWaiting(String what) {
        return unavailable("too many " + what + " are waiting for the broker");
    }

    private static UnavailableException unavailable(String detail) {
        return new UnavailableException(detail, RETRY_AFTER_SECONDS);
    }
}
