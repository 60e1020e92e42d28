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

    /** The broker rolled them back in a failover, and they could not be sent again within the deadline. */
    static UnavailableException failedOver() {
        return unavailable("the broker failed over while storing the message(s), none was stored" + SAFE_TO_RETRY);
    }

    static UnavailableException addressFull(Topic topic) {
        return unavailable("the broker's address for topic '" + topic.name() + "' is full" + SAFE_TO_RETRY);
    }

    /** A send waited for producer credits past the deadline and was rolled back: nothing was stored. */
    static UnavailableException addressBlocks() {
        return unavailable("the broker's address for this topic is full and blocks producers (its consumers are "
                + "behind); nothing was stored" + SAFE_TO_RETRY);
    }

    static UnavailableException noSubscription(Topic topic) {
        return unavailable("topic '" + topic.name() + "' has no subscription on the broker, so messages sent now "
                + "would be lost; an operator must create one");
    }

    /** The topic's requests not yet answered hold its share of memory: its address blocks, or its broker is slow. */
    static UnavailableException tooManyBytes(String topic) {
        return unavailable("too many bytes of requests to topic '" + topic + "' are waiting for the broker (its address "
                + "is slow or blocked); nothing of this request was sent" + SAFE_TO_RETRY);
    }

    static UnavailableException tooManyBytes() {
        return unavailable("too many bytes of requests are waiting for the broker; nothing of this request was sent"
                + SAFE_TO_RETRY);
    }

    /** The broker may or may not have stored them: its duplicate detection makes the retry safe. */
    static UnavailableException outcomeUnknown() {
        return unavailable("the broker did not confirm whether it stored the message(s); retry with the same "
                + "messageIds: what it stored is not stored again");
    }

    private static UnavailableException unavailable(String detail) {
        return new UnavailableException(detail, RETRY_AFTER_SECONDS);
    }
}
