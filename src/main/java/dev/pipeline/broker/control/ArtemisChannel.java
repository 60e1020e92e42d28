package dev.pipeline.broker.control;

import dev.pipeline.produce.control.JsonMessages;
import dev.pipeline.produce.entity.BodyFormat;
import dev.pipeline.publish.control.PublishChannel;
import dev.pipeline.publish.control.SendFailure;
import dev.pipeline.publish.entity.Envelope;
import dev.pipeline.topics.entity.Topic;
import dev.pipeline.v1.Message;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import jakarta.jms.TransactionRolledBackException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.jms.client.ActiveMQMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQSession;
import org.apache.activemq.artemis.utils.UUIDGenerator;

/**
 * Two JMS sessions with their producers, used by one thread at a time and kept for the next send:
 * a transacted one for two or more messages (a commit returning means the broker has them on disk),
 * and one without a transaction for a message alone, sent blocking (the send returning means the
 * same). A message alone goes without a transaction because Artemis records a transaction's
 * duplicate ids only when it commits: two gateways sending one id at once both pass its check far
 * more often in a transaction (measured 56 in 100 races) than in a plain send, whose id is
 * recorded as it is routed. Broker failures become a {@link SendFailure} whose reason says what
 * the publisher may do next.
 *
 * <p>Messages are built as JMS messages but handed to the session's Artemis core producer: the JMS
 * producer reads the clock twice, once for JMSExpiration and once for JMSTimestamp, so
 * {@code JMSExpiration - JMSTimestamp} could be a millisecond short of the topic's TTL.
 */
final class ArtemisChannel implements PublishChannel {

    private static final Logger LOG = Logger.getLogger(ArtemisChannel.class.getName());
    /** Artemis drops a message whose duplicate-detection id the address has already stored. */
    private static final String DUPLICATE_ID_PROPERTY =
            org.apache.activemq.artemis.api.core.Message.HDR_DUPLICATE_DETECTION_ID.toString();
    /** How long a topic found to have a subscription is trusted to keep it before asking again. */
    private static final long SUBSCRIPTION_CHECK_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final BrokerConnection broker;
    private final Connection connection;
    private final Session session;
    private final Session aloneSession;
    /** Per topic, the transacted and the plain session's producer. */
    private final Map<String, Producers> producers = new HashMap<>();
    private final Map<String, Long> subscribedCheckedAt = new HashMap<>();

    private ArtemisChannel(BrokerConnection broker, Connection connection, Session session, Session aloneSession) {
        this.broker = broker;
        this.connection = connection;
        this.session = session;
        this.aloneSession = aloneSession;
    }

    /**
     * A topic's producers, one per session. Each is bound to its address, so that it asks the broker
     * for producer credits as it is made (at the lane's start, for the lane's topic) rather than at its
     * first send: a first send to a broker that has stopped answering would wait for credits for good.
     */
    private record Producers(ClientProducer transacted, ClientProducer alone) {
    }

    private Producers producers(Topic topic) throws ActiveMQException {
        Producers topicProducers = producers.get(topic.name());
        if (topicProducers == null) {
            SimpleString address = SimpleString.of(topic.name());
            topicProducers = new Producers(((ActiveMQSession) session).getCoreSession().createProducer(address),
                    ((ActiveMQSession) aloneSession).getCoreSession().createProducer(address));
            producers.put(topic.name(), topicProducers);
        }
        return topicProducers;
    }

    static ArtemisChannel open(BrokerConnection broker) throws SendFailure {
        Connection connection;
        try {
            connection = broker.connection();
        } catch (JMSException e) {
            throw new SendFailure(SendFailure.Reason.UNREACHABLE, "connecting to the broker failed: " + e.getMessage(), e);
        }
        Session session = null;
        Session aloneSession = null;
        try {
            session = connection.createSession(true, Session.SESSION_TRANSACTED);
            aloneSession = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            return new ArtemisChannel(broker, connection, session, aloneSession);
        } catch (JMSException e) {
            closeQuietly(session);
            closeQuietly(aloneSession);
            broker.discard(connection, e.toString());
            throw new SendFailure(SendFailure.Reason.UNREACHABLE, "opening a broker session failed: " + e.getMessage(), e);
        }
    }

    /**
     * Stores the messages, all or none. A message alone is a blocking durable send: the broker answers
     * once it is journaled, and drops it silently (answering all the same) if it has stored its id.
     */
    @Override
    public void store(Topic topic, List<Envelope> messages) throws SendFailure {
        boolean alone = messages.size() == 1;
        try {
            requireSubscription(topic.name());
            Producers topicProducers = producers(topic);
            if (alone) {
                topicProducers.alone().send(encoded(topic, messages.get(0)));
                return;
            }
            for (Envelope message : messages) {
                topicProducers.transacted().send(encoded(topic, message));
            }
            session.commit();
        } catch (JMSException | ActiveMQException e) {
            throw failure(topic, e, !alone);
        }
    }

    /** What a failed send or commit means; a transaction is rolled back unless the session is of no further use. */
    private SendFailure failure(Topic topic, Exception e, boolean transacted) {
        SendFailure.Reason reason = reason(e);
        if (reason == SendFailure.Reason.BROKEN) {
            broker.discard(connection, e.toString());
        } else if (transacted) {
            rollbackQuietly();
        }
        return new SendFailure(reason, "sending to " + topic.name() + " failed: " + e, e);
    }

    static SendFailure.Reason reason(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ActiveMQException core) {
                ActiveMQExceptionType type = core.getType();
                if (type == ActiveMQExceptionType.DUPLICATE_ID_REJECTED) {
                    return SendFailure.Reason.DUPLICATE;
                }
                if (type == ActiveMQExceptionType.ADDRESS_FULL) {
                    return SendFailure.Reason.ADDRESS_FULL;
                }
                if (type == ActiveMQExceptionType.TRANSACTION_ROLLED_BACK
                        || type == ActiveMQExceptionType.TRANSACTION_OUTCOME_UNKNOWN
                        || type == ActiveMQExceptionType.UNBLOCKED) {
                    return SendFailure.Reason.FAILED_OVER;
                }
            }
            if (cause instanceof NoSubscription) {
                return SendFailure.Reason.NO_SUBSCRIPTION;
            }
            if (cause instanceof JMSException jms && jms.getLinkedException() != null && jms.getLinkedException() != jms.getCause()) {
                SendFailure.Reason linked = reason(jms.getLinkedException());
                if (linked != SendFailure.Reason.BROKEN) {
                    return linked;
                }
            }
        }
        return failure instanceof TransactionRolledBackException ? SendFailure.Reason.FAILED_OVER : SendFailure.Reason.BROKEN;
    }

    @Override
    public boolean usable() {
        return broker.isCurrent(connection);
    }

    /** Artemis drops what is sent to a multicast address without queues, and still acknowledges it. */
    private static final class NoSubscription extends JMSException {
        NoSubscription(String topic) {
            super("topic '" + topic + "' has no subscription on the broker");
        }
    }

    /** One clock reading for both, so that {@code JMSExpiration - JMSTimestamp} is exactly the topic's TTL. */
    private ClientMessage encoded(Topic topic, Envelope envelope) throws JMSException {
        long now = System.currentTimeMillis();
        ClientMessage core = encoded(toJms(envelope.message(), envelope.format(), envelope.traceparent()));
        core.setDurable(true);
        core.setPriority((byte) jakarta.jms.Message.DEFAULT_PRIORITY);
        core.setTimestamp(now);
        core.setExpiration(now + topic.ttl().toMillis());
        core.setRoutingType(RoutingType.MULTICAST);
        core.setUserID(UUIDGenerator.getInstance().generateUUID());
        return core;
    }

    /**
     * Makes the topic's producers (asking for their credits) and checks its subscription now, so that the
     * first send need not; a missing subscription is reported by that send.
     */
    @Override
    public void prepare(Topic topic) {
        try {
            producers(topic);
            requireSubscription(topic.name());
        } catch (JMSException | ActiveMQException e) {
            LOG.fine(() -> "Preparing to send to " + topic.name() + " failed: " + e);
        }
    }

    private void requireSubscription(String topic) throws JMSException {
        Long checkedAt = subscribedCheckedAt.get(topic);
        if (checkedAt != null && System.nanoTime() - checkedAt < SUBSCRIPTION_CHECK_NANOS) {
            return;
        }
        if (!TopicBindings.hasSubscription(session, topic)) {
            subscribedCheckedAt.remove(topic);
            throw new NoSubscription(topic);
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

    private void rollbackQuietly() {
        try {
            session.rollback();
        } catch (JMSException e) {
            LOG.fine(() -> "Rolling back after a failed transaction failed: " + e);
        }
    }

    @Override
    public void close() {
        closeQuietly(session);
        closeQuietly(aloneSession);
    }

    private static void closeQuietly(Session session) {
        if (session == null) {
            return;
        }
        try {
            session.close();
        } catch (JMSException e) {
            LOG.fine(() -> "Closing a session whose connection is gone failed: " + e);
        }
    }
}
