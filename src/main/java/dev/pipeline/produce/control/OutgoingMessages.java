package dev.pipeline.produce.control;

import dev.pipeline.produce.entity.BodyFormat;
import dev.pipeline.publish.entity.Outgoing;
import dev.pipeline.v1.Message;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What JMS consumers get for each message (the contract's "What JMS consumers get"): the body in the
 * request's format, and the properties selectors use. Made on the request's thread, once.
 */
public final class OutgoingMessages {

    /** Names the service sets itself; a message's own {@code properties} never override them. */
    private static final Set<String> OWN = Set.of("messageId", "messageType", "source", "imsOrg", "schemaRef",
            "schemaVersion", "messageContentType", "contentType", "sentTime", "traceparent");
    /** Words of the JMS selector grammar: a property of such a name could not be selected on. */
    private static final Set<String> SELECTOR_WORDS = Set.of("NULL", "TRUE", "FALSE", "NOT", "AND", "OR",
            "BETWEEN", "LIKE", "IN", "IS", "ESCAPE");

    private OutgoingMessages() {
    }

    public static List<Outgoing> of(BodyFormat format, List<Message> messages, String traceparent) {
        return messages.stream().map(message -> of(format, message, traceparent)).toList();
    }

    static Outgoing of(BodyFormat format, Message message, String traceparent) {
        Map<String, Object> properties = new HashMap<>();
        message.getPropertiesMap().forEach((name, value) -> {
            if (isSelectable(name)) {
                properties.put(name, value);
            }
        });
        properties.put("messageId", message.getMessageId());
        putIfSet(properties, "messageType", message.getMessageType());
        putIfSet(properties, "source", message.getSource());
        putIfSet(properties, "imsOrg", message.getImsOrg());
        putIfSet(properties, "schemaRef", message.getSchemaRef());
        putIfSet(properties, "schemaVersion", message.getSchemaVersion());
        putIfSet(properties, "messageContentType", message.getMessageContentType());
        properties.put("contentType", format.mediaType());
        properties.put("sentTime", message.getSentTime());
        if (traceparent != null) {
            properties.put("traceparent", traceparent);
        }
        putIfSet(properties, Outgoing.GROUP_ID, message.getOrderingKey());
        return format == BodyFormat.JSON
                ? Outgoing.text(message.getMessageId(), JsonMessages.write(message), properties)
                : Outgoing.bytes(message.getMessageId(), message.toByteArray(), properties);
    }

    /** A valid JMS identifier that is not reserved (JMS..., JMSX..., _AMQ...) nor one of the service's own names. */
    static boolean isSelectable(String name) {
        if (name.isEmpty() || !Character.isJavaIdentifierStart(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            if (!Character.isJavaIdentifierPart(name.charAt(i))) {
                return false;
            }
        }
        return !name.startsWith("JMS") && !name.startsWith("_AMQ") && !OWN.contains(name)
                && !SELECTOR_WORDS.contains(name.toUpperCase(Locale.ROOT));
    }

    private static void putIfSet(Map<String, Object> properties, String name, String value) {
        if (!value.isEmpty()) {
            properties.put(name, value);
        }
    }
}
