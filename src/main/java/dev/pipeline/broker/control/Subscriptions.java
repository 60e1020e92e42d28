package dev.pipeline.broker.control;

import jakarta.jms.JMSException;
import jakarta.jms.Session;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Which topics were found to have a subscription, shared by every channel: Artemis drops what is
 * sent to a multicast address without queues and still acknowledges it, so a send first checks. A
 * topic found subscribed is trusted for {@link #TRUSTED_NANOS} before the broker is asked again; a
 * topic found without one is asked about on every send, so that it answers 200 as soon as an
 * operator creates one.
 */
final class Subscriptions {

    static final long TRUSTED_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Map<String, Long> subscribedAt = new ConcurrentHashMap<>();

    /** Artemis drops what is sent to a multicast address without queues, and still acknowledges it. */
    static final class NoSubscription extends JMSException {
        NoSubscription(String topic) {
            super("topic '" + topic + "' has no subscription on the broker");
        }
    }

    void require(String topic, Session session) throws JMSException {
        Long checkedAt = subscribedAt.get(topic);
        if (checkedAt != null && System.nanoTime() - checkedAt < TRUSTED_NANOS) {
            return;
        }
        if (!TopicBindings.hasSubscription(session, topic)) {
            subscribedAt.remove(topic);
            throw new NoSubscription(topic);
        }
        subscribedAt.put(topic, System.nanoTime());
    }
}
