package dev.pipeline.publish.entity;

import java.util.Map;

/**
 * One message as the broker gets it, made on the request's thread: the body already written (JSON
 * text for a {@code TextMessage}, or protobuf bytes for a {@code BytesMessage}), the JMS properties
 * named and valued, the duplicate-detection id. A send only copies it into the broker client's
 * buffers, so that a sender holds its session for I/O alone.
 *
 * @param messageId  the duplicate-detection id, and the JMS property {@code messageId}
 * @param text       the body of a {@code TextMessage}, or null
 * @param bytes      the body of a {@code BytesMessage}, or null
 * @param properties JMS properties: {@link String} or {@link Long} values
 */
public record Outgoing(String messageId, String text, byte[] bytes, Map<String, Object> properties) {

    /**
     * The JMS property of a message's ordering key: the broker hands all messages of one group on one
     * subscription to one consumer, in the order stored.
     */
    public static final String GROUP_ID = "JMSXGroupID";

    public Outgoing {
        if ((text == null) == (bytes == null)) {
            throw new IllegalArgumentException("a message has either a text or a bytes body");
        }
        properties = Map.copyOf(properties);
    }

    public static Outgoing text(String messageId, String text, Map<String, Object> properties) {
        return new Outgoing(messageId, text, null, properties);
    }

    public static Outgoing bytes(String messageId, byte[] bytes, Map<String, Object> properties) {
        return new Outgoing(messageId, null, bytes, properties);
    }

    /** About what it keeps on the heap: what back-pressure counts while the message waits for the broker. */
    public int size() {
        int size = text != null ? text.length() : bytes.length;
        for (Map.Entry<String, Object> property : properties.entrySet()) {
            size += property.getKey().length() + (property.getValue() instanceof String value ? value.length() : Long.BYTES);
        }
        return size;
    }
}
