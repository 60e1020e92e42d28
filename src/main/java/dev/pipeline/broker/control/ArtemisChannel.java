package dev.pipeline.broker.control;

import dev.pipeline.publish.control.PublishChannel;
import dev.pipeline.publish.control.SendFailure;
import dev.pipeline.publish.entity.Outgoing;
import dev.pipeline.topics.entity.Topic;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import jakarta.jms.TransactionRolledBackException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;
import org.apache.activemq.artemis.api.core.ActiveMQInterruptedException;
import org.apache.activemq.artemis.api.core.ActiveMQTransactionRolledBackException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.core.client.impl.ClientMessageImpl;
import org.apache.activemq.artemis.core.client.impl.ClientProducerInternal;
import org.apache.activemq.artemis.jms.client.ActiveMQSession;
import org.apache.activemq.artemis.reader.TextMessageUtil;
import org.apache.activemq.artemis.utils.UUIDGenerator;

/**
 * Two JMS sessions with their producers, used by one thread at a time and kept for the next send:
 * a transacted one for two or more messages (a commit returning means the broker has them on disk),
 * and one without a transaction for a message alone, sent blocking (the send returning means the
 * same). A message alone goes without a transaction because Artemis records a transaction's
 * duplicate ids only when it commits: two gateways sending one id at once both pass its check far
 * more often in a transaction (measured 56 in 100 races) than in a plain send, whose id is
 * recorded as it is routed. Broker failures become a {@link SendFailure} whose reason says what is
 * known; whether the connection is gone is for the connection's exception listener to decide.
 *
 * <p>Messages are core messages of the JMS types ({@code TextMessage}, {@code BytesMessage}) made
 * from an {@link Outgoing} with one clock reading, so that {@code JMSExpiration - JMSTimestamp} is
 * exactly the topic's TTL (the JMS producer reads the clock twice).
 */
final class ArtemisChannel implements PublishChannel {

    private static final Logger LOG = Logger.getLogger(ArtemisChannel.class.getName());
    /** Producers kept per session: a channel serves every topic, and a catalogue may list thousands. */
    private static final int PRODUCERS_KEPT = 64;

    private final BrokerConnection broker;
    private final Connection connection;
    private final Session session;
    private final Session aloneSession;
    private final Subscriptions subscriptions;
    /** The producer a send is under way on, for {@link #waitingForCredits} from other threads. */
    private volatile ClientProducer sending;
    /** Whether {@link #sending} is the transacted session's producer. */
    private volatile boolean transactionUnderWay;
    /** Set by {@link #abort}: the transaction under way sends and commits nothing more. */
    private volatile boolean aborted;
    /** Per topic, the transacted and the plain session's producer, the least recently used closed first. */
    private final Map<String, Producers> producers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Producers> eldest) {
            if (size() <= PRODUCERS_KEPT) {
                return false;
            }
            eldest.getValue().close();
            return true;
        }
    };

    private ArtemisChannel(BrokerConnection broker, Connection connection, Session session, Session aloneSession,
            Subscriptions subscriptions) {
        this.broker = broker;
        this.connection = connection;
        this.session = session;
        this.aloneSession = aloneSession;
        this.subscriptions = subscriptions;
    }

    /**
     * A topic's producers, one per session. Each is bound to its address, so that it asks the broker
     * for producer credits as it is made rather than at its first send.
     */
    private record Producers(ClientProducer transacted, ClientProducer alone) {
        void close() {
            try {
                transacted.close();
                alone.close();
            } catch (ActiveMQException e) {
                LOG.fine(() -> "Closing producers failed: " + e);
            }
        }
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

    static ArtemisChannel open(BrokerConnection broker, Subscriptions subscriptions) throws SendFailure {
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
            return new ArtemisChannel(broker, connection, session, aloneSession, subscriptions);
        } catch (JMSException | RuntimeException e) {
            closeQuietly(session);
            closeQuietly(aloneSession);
            throw new SendFailure(SendFailure.Reason.UNREACHABLE, "opening a broker session failed: " + e.getMessage(), e);
        }
    }

    /**
     * Stores the messages, all or none. A message alone is a blocking durable send: the broker answers
     * once it is journaled, and drops it silently (answering all the same) if it has stored its id.
     */
    @Override
    public void store(Topic topic, List<Outgoing> messages) throws SendFailure {
        boolean alone = messages.size() == 1;
        try {
            subscriptions.require(topic.name(), session);
            Producers topicProducers = producers(topic);
            long now = System.currentTimeMillis();
            if (alone) {
                sending = topicProducers.alone();
                sending.send(encoded(topic, messages.get(0), now));
                return;
            }
            sending = topicProducers.transacted();
            transactionUnderWay = true;
            for (Outgoing message : messages) {
                refuseIfAborted();
                sending.send(encoded(topic, message, now));
            }
            refuseIfAborted();
            session.commit();
        } catch (JMSException | ActiveMQException | RuntimeException e) {
            throw failure(topic, e, !alone);
        } finally {
            sending = null;
            transactionUnderWay = false;
        }
    }

    @Override
    public boolean waitingForCredits() {
        return sending instanceof ClientProducerInternal producer && producer.getProducerCredits().isBlocked();
    }

    /**
     * A transaction is never ended by closing its session from this thread: Artemis rolls a session's
     * transaction back as it closes and opens another, into which it still routes a send that arrives
     * after the close, and such a message stays counted towards its address until the broker restarts
     * (a BLOCK address then stays full for good; ArtemisChannelAbortTest). Instead the send waiting for
     * credits is let go (closing its credits here only, in this client), and the sending thread itself
     * sends nothing more, rolls back, and then closes the channel: the broker sees the rollback after
     * the last send. A send of a message alone has no transaction: its session is closed as before.
     */
    @Override
    public void abort() {
        aborted = true;
        ClientProducer current = sending;
        if (transactionUnderWay && current instanceof ClientProducerInternal producer) {
            producer.getProducerCredits().close();
        } else {
            close();
        }
    }

    /** After {@link #abort}: nothing more of the transaction goes out; {@link #failure} rolls it back on this thread. */
    private void refuseIfAborted() throws ActiveMQTransactionRolledBackException {
        if (aborted) {
            throw new ActiveMQTransactionRolledBackException("the send was aborted: it waited too long for the broker");
        }
    }

    /** What a failed send or commit means; a transaction whose session can still be used is rolled back. */
    private SendFailure failure(Topic topic, Exception e, boolean transacted) {
        SendFailure.Reason reason = reason(e);
        if (transacted && reason != SendFailure.Reason.OUTCOME_UNKNOWN && reason != SendFailure.Reason.BROKEN) {
            rollbackQuietly();
        }
        return new SendFailure(reason, "sending to " + topic.name() + " failed: " + e, e);
    }

    static SendFailure.Reason reason(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ActiveMQInterruptedException) {
                return SendFailure.Reason.OUTCOME_UNKNOWN;
            }
            if (cause instanceof ActiveMQException core) {
                SendFailure.Reason known = reason(core.getType());
                if (known != null) {
                    return known;
                }
            }
            if (cause instanceof Subscriptions.NoSubscription) {
                return SendFailure.Reason.NO_SUBSCRIPTION;
            }
            if (cause instanceof JMSException jms && jms.getLinkedException() != null && jms.getLinkedException() != jms.getCause()) {
                SendFailure.Reason linked = reason(jms.getLinkedException());
                if (linked != SendFailure.Reason.BROKEN) {
                    return linked;
                }
            }
        }
        return failure instanceof TransactionRolledBackException ? SendFailure.Reason.ROLLED_BACK : SendFailure.Reason.BROKEN;
    }

    private static SendFailure.Reason reason(ActiveMQExceptionType type) {
        switch (type) {
            case DUPLICATE_ID_REJECTED:
                return SendFailure.Reason.DUPLICATE;
            case ADDRESS_FULL:
                return SendFailure.Reason.ADDRESS_FULL;
            case TRANSACTION_ROLLED_BACK:
                return SendFailure.Reason.ROLLED_BACK;
            case TRANSACTION_OUTCOME_UNKNOWN:
            case UNBLOCKED:
            case CONNECTION_TIMEDOUT:
            case DISCONNECTED:
            case NOT_CONNECTED:
            case REMOTE_DISCONNECT:
                return SendFailure.Reason.OUTCOME_UNKNOWN;
            default:
                return null;
        }
    }

    @Override
    public boolean usable() {
        return broker.isCurrent(connection);
    }

    /** A persistent JMS message of the topic's TTL, as JMS consumers read it. */
    private static ClientMessage encoded(Topic topic, Outgoing message, long now) {
        boolean text = message.text() != null;
        ClientMessageImpl core = new ClientMessageImpl(text ? Message.TEXT_TYPE : Message.BYTES_TYPE, true,
                now + topic.ttl().toMillis(), now, (byte) jakarta.jms.Message.DEFAULT_PRIORITY,
                text ? 2 * message.text().length() + 64 : message.bytes().length + 64);
        if (text) {
            TextMessageUtil.writeBodyText(core.getBodyBuffer(), SimpleString.of(message.text()));
        } else {
            core.getBodyBuffer().writeBytes(message.bytes());
        }
        core.putStringProperty(Message.HDR_DUPLICATE_DETECTION_ID, SimpleString.of(message.messageId()));
        message.properties().forEach((name, value) -> {
            if (value instanceof Long number) {
                core.putLongProperty(SimpleString.of(name), number);
            } else if (Outgoing.GROUP_ID.equals(name)) {
                // What the Artemis JMS client does for JMSXGroupID: the core header the broker groups by.
                core.putStringProperty(Message.HDR_GROUP_ID, SimpleString.of((String) value));
            } else {
                core.putStringProperty(SimpleString.of(name), SimpleString.of((String) value));
            }
        });
        core.setRoutingType(RoutingType.MULTICAST);
        core.setUserID(UUIDGenerator.getInstance().generateUUID());
        return core;
    }

    private void rollbackQuietly() {
        try {
            session.rollback();
        } catch (JMSException | RuntimeException e) {
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
        } catch (JMSException | RuntimeException e) {
            LOG.fine(() -> "Closing a session whose connection is gone failed: " + e);
        }
    }
}
