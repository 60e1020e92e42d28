package dev.pipeline.produce.control;

import dev.pipeline.broker.control.TopicBindings;
import dev.pipeline.produce.entity.BodyFormat;
import dev.pipeline.topics.entity.Topic;
import dev.pipeline.v1.Message;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.SendAcknowledgementHandler;
import org.apache.activemq.artemis.api.core.client.SessionFailureListener;
import org.apache.activemq.artemis.jms.client.ActiveMQMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQSession;
import org.apache.activemq.artemis.utils.UUIDGenerator;

/**
 * One JMS session with its producer, used by one thread at a time and kept for the next request.
 * A transacted channel stores a batch whole or not at all, and a commit returning means the broker
 * has the messages on disk; an auto-commit channel sends single messages without waiting and
 * learns from the broker's confirmation when each is stored.
 *
 * <p>Messages are built as JMS messages but handed to the session's Artemis core producer: the JMS
 * producer reads the clock twice, once for JMSExpiration and once for JMSTimestamp, so
 * {@code JMSExpiration - JMSTimestamp} could be a millisecond short of the topic's TTL.
 */
final class PublishChannel {

    /** Artemis drops a message whose duplicate-detection id the address has already stored. */
    static final String DUPLICATE_ID_PROPERTY = "_AMQ_DUPL_ID";
    /** How long a topic found to have a subscription is trusted to keep it before asking again. */
    private static final long SUBSCRIPTION_CHECK_NANOS = TimeUnit.SECONDS.toNanos(5);

    final Connection connection;
    private final Session session;
    private final ClientProducer producer;
    private final Map<String, SimpleString> addresses = new HashMap<>();
    private final Map<String, Long> subscribedCheckedAt = new HashMap<>();

    private PublishChannel(Connection connection, Session session, ClientProducer producer) {
        this.connection = connection;
        this.session = session;
        this.producer = producer;
    }

    /** A transacted channel, for batches: {@link #sendAndCommit} stores all of them or none. */
    static PublishChannel openTransacted(Connection connection) throws JMSException {
        return open(connection, connection.createSession(true, Session.SESSION_TRANSACTED));
    }

    /** A channel without transactions, for single messages: {@link #send} confirms each one through a handler. */
    static PublishChannel openAutoCommit(Connection connection) throws JMSException {
        return open(connection, connection.createSession(false, Session.AUTO_ACKNOWLEDGE));
    }

    private static PublishChannel open(Connection connection, Session session) throws JMSException {
        try {
            return new PublishChannel(connection, session, core(session).createProducer());
        } catch (ActiveMQException e) {
            session.close();
            throw jmsException("opening a producer failed", e);
        }
    }

    private static ClientSession core(Session session) {
        return ((ActiveMQSession) session).getCoreSession();
    }

    /** Calls {@code onFailure} when the connection under this channel fails (it may be told more than once). */
    void onConnectionFailure(Runnable onFailure) {
        core(session).addFailureListener(new SessionFailureListener() {
            @Override
            public void connectionFailed(ActiveMQException exception, boolean failedOver) {
                onFailure.run();
            }

            @Override
            public void connectionFailed(ActiveMQException exception, boolean failedOver, String scaleDownTargetNodeID) {
                onFailure.run();
            }

            @Override
            public void beforeReconnect(ActiveMQException exception) {
                // The client does not reconnect (reconnectAttempts 0): a failed connection is replaced.
            }
        });
    }

    /** Artemis drops what is sent to a multicast address without queues, and still acknowledges it. */
    static final class NoSubscriptionException extends Exception {
        NoSubscriptionException(String topic) {
            super("topic '" + topic + "' has no subscription on the broker");
        }
    }

    void sendAndCommit(Topic topic, BodyFormat format, List<Message> messages, String traceparent)
            throws JMSException, NoSubscriptionException {
        requireSubscription(topic.name());
        try {
            for (Message message : messages) {
                producer.send(address(topic), encoded(topic, format, message, traceparent));
            }
        } catch (ActiveMQException e) {
            throw jmsException("sending to " + topic.name() + " failed", e);
        }
        session.commit();
    }

    /**
     * Sends one message without waiting: the broker calls {@code handler} once it has stored the
     * message (with a confirmation window set, Artemis confirms a send only after its journal
     * write completed) or refused it. A send to an address whose producer credits are exhausted
     * (address-full-policy BLOCK) waits here until the broker grants more.
     */
    void send(Topic topic, BodyFormat format, Message message, String traceparent, SendAcknowledgementHandler handler)
            throws JMSException, NoSubscriptionException {
        requireSubscription(topic.name());
        try {
            producer.send(address(topic), encoded(topic, format, message, traceparent), handler);
        } catch (ActiveMQException e) {
            throw jmsException("sending to " + topic.name() + " failed", e);
        }
    }

    private SimpleString address(Topic topic) {
        return addresses.computeIfAbsent(topic.name(), SimpleString::of);
    }

    /** One clock reading for both, so that {@code JMSExpiration - JMSTimestamp} is exactly the topic's TTL. */
    private ClientMessage encoded(Topic topic, BodyFormat format, Message message, String traceparent) throws JMSException {
        long now = System.currentTimeMillis();
        ClientMessage core = encoded(toJms(message, format, traceparent));
        core.setDurable(true);
        core.setPriority((byte) jakarta.jms.Message.DEFAULT_PRIORITY);
        core.setTimestamp(now);
        core.setExpiration(now + topic.ttl().toMillis());
        core.setRoutingType(RoutingType.MULTICAST);
        core.setUserID(UUIDGenerator.getInstance().generateUUID());
        return core;
    }

    /** Checks the topic's subscription now, so that the first send need not; a missing one is reported by that send. */
    void prepare(Topic topic) throws JMSException {
        try {
            requireSubscription(topic.name());
        } catch (NoSubscriptionException e) {
            // The first send to the topic answers it.
        }
    }

    private void requireSubscription(String topic) throws JMSException, NoSubscriptionException {
        Long checkedAt = subscribedCheckedAt.get(topic);
        if (checkedAt != null && System.nanoTime() - checkedAt < SUBSCRIPTION_CHECK_NANOS) {
            return;
        }
        if (!TopicBindings.hasSubscription(session, topic)) {
            subscribedCheckedAt.remove(topic);
            throw new NoSubscriptionException(topic);
        }
        subscribedCheckedAt.put(topic, System.nanoTime());
    }

    private ActiveMQMessage toJms(Message message, BodyFormat format, String traceparent) throws JMSException {
        jakarta.jms.Message jms;
        if (format == BodyFormat.JSON) {
            jms = session.createTextMessage(JsonMessages.write(message));
        } else {
            BytesMessage bytes = session.createBytesMessage();
            bytes.writeBytes(message.toByteArray());
            jms = bytes;
        }
        jms.setStringProperty(DUPLICATE_ID_PROPERTY, message.getMessageId());
        jms.setStringProperty("messageId", message.getMessageId());
        setIfPresent(jms, "messageType", message.getMessageType());
        setIfPresent(jms, "source", message.getSource());
        setIfPresent(jms, "imsOrg", message.getImsOrg());
        setIfPresent(jms, "schemaRef", message.getSchemaRef());
        setIfPresent(jms, "schemaVersion", message.getSchemaVersion());
        setIfPresent(jms, "messageContentType", message.getMessageContentType());
        jms.setStringProperty("contentType", format.mediaType());
        jms.setLongProperty("sentTime", message.getSentTime());
        if (traceparent != null) {
            jms.setStringProperty("traceparent", traceparent);
        }
        return (ActiveMQMessage) jms;
    }

    /** The core message with the JMS body written into it. */
    private static ClientMessage encoded(ActiveMQMessage jms) throws JMSException {
        try {
            jms.doBeforeSend();
        } catch (Exception e) {
            // doBeforeSend declares Exception; it only encodes the body already in memory.
            JMSException failure = new JMSException("encoding the message failed: " + e);
            failure.initCause(e);
            throw failure;
        }
        return jms.getCoreMessage();
    }

    private static void setIfPresent(jakarta.jms.Message jms, String name, String value) throws JMSException {
        if (!value.isEmpty()) {
            jms.setStringProperty(name, value);
        }
    }

    private static JMSException jmsException(String what, ActiveMQException cause) {
        JMSException failure = new JMSException(what + ": " + cause.getMessage());
        failure.setLinkedException(cause);
        failure.initCause(cause);
        return failure;
    }

    void close() {
        try {
            session.close();
        } catch (JMSException e) {
            // The session's connection is gone already; nothing is left to release.
        }
    }
}
