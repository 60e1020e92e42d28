package dev.pipeline.produce.control;

import dev.pipeline.produce.entity.BodyFormat;
import dev.pipeline.topics.entity.Topic;
import dev.pipeline.v1.Message;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One transacted JMS session with its producer, used by one request at a time and kept for the
 * next. Every send is a transaction, so a batch is stored whole or not at all, and a commit
 * returning means the broker has the messages on disk.
 */
final class PublishChannel {

    /** Artemis drops a message whose duplicate-detection id the address has already stored. */
    static final String DUPLICATE_ID_PROPERTY = "_AMQ_DUPL_ID";

    final Connection connection;
    private final Session session;
    private final MessageProducer producer;
    private final Map<String, jakarta.jms.Topic> destinations = new HashMap<>();

    private PublishChannel(Connection connection, Session session, MessageProducer producer) {
        this.connection = connection;
        this.session = session;
        this.producer = producer;
    }

    static PublishChannel open(Connection connection) throws JMSException {
        Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
        try {
            MessageProducer producer = session.createProducer(null);
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            return new PublishChannel(connection, session, producer);
        } catch (JMSException e) {
            session.close();
            throw e;
        }
    }

    void sendAndCommit(Topic topic, BodyFormat format, List<Message> messages, String traceparent) throws JMSException {
        jakarta.jms.Topic destination = destination(topic.name());
        long timeToLive = topic.ttl().toMillis();
        for (Message message : messages) {
            producer.send(destination, toJms(message, format, traceparent), DeliveryMode.PERSISTENT,
                    jakarta.jms.Message.DEFAULT_PRIORITY, timeToLive);
        }
        session.commit();
    }

    private jakarta.jms.Topic destination(String name) throws JMSException {
        jakarta.jms.Topic destination = destinations.get(name);
        if (destination == null) {
            destination = session.createTopic(name);
            destinations.put(name, destination);
        }
        return destination;
    }

    private jakarta.jms.Message toJms(Message message, BodyFormat format, String traceparent) throws JMSException {
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
        return jms;
    }

    private static void setIfPresent(jakarta.jms.Message jms, String name, String value) throws JMSException {
        if (!value.isEmpty()) {
            jms.setStringProperty(name, value);
        }
    }

    void close() {
        try {
            session.close();
        } catch (JMSException e) {
            // The session's connection is gone already; nothing is left to release.
        }
    }
}
