package dev.pipeline.broker.control;

import jakarta.jms.JMSException;
import jakarta.jms.Session;
import org.apache.activemq.artemis.api.core.ActiveMQAddressFullException;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.jms.client.ActiveMQSession;

/**
 * What the broker knows of a topic, through the Artemis core API that JMS does not expose: whether
 * its address has a queue (a subscription) to store messages in, and whether a failure means the
 * address is full.
 */
public final class TopicBindings {

    private TopicBindings() {
    }

    public static boolean hasSubscription(Session session, String topic) throws JMSException {
        try {
            ClientSession.AddressQuery query = ((ActiveMQSession) session).getCoreSession().addressQuery(SimpleString.of(topic));
            return query.isExists() && !query.getQueueNames().isEmpty();
        } catch (ActiveMQException e) {
            JMSException failure = new JMSException("address query for '" + topic + "' failed: " + e.getMessage());
            failure.setLinkedException(e);
            failure.initCause(e);
            throw failure;
        }
    }

    public static boolean isAddressFull(JMSException failure) {
        for (Throwable cause = failure; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            if (cause instanceof ActiveMQAddressFullException) {
                return true;
            }
        }
        return false;
    }
}
