package dev.pipeline.example.orders.control;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.pipeline.example.orders.entity.ReceivedOrder.BodyKind;
import dev.pipeline.v1.Message;
import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.TextMessage;

/**
 * Reads a Pipeline JMS message into the gateway's own {@code pipeline.v1.Message}: a JSON request
 * arrives as a TextMessage whose field names are the proto's JSON names, a protobuf request as a
 * BytesMessage holding the serialized message.
 */
public final class PipelineMessages {

    /** Fields a newer gateway adds must not make this consumer fail. */
    private static final JsonFormat.Parser JSON = JsonFormat.parser().ignoringUnknownFields();

    public record Parsed(Message message, BodyKind kind) {
    }

    private PipelineMessages() {
    }

    public static Parsed parse(jakarta.jms.Message jms) throws JMSException {
        if (jms instanceof TextMessage text) {
            Message.Builder builder = Message.newBuilder();
            try {
                JSON.merge(text.getText(), builder);
            } catch (InvalidProtocolBufferException e) {
                throw new UnreadableMessage(jms.getJMSMessageID(), e);
            }
            return new Parsed(builder.build(), BodyKind.JSON);
        }
        if (jms instanceof BytesMessage bytes) {
            try {
                return new Parsed(Message.parseFrom(bytes.getBody(byte[].class)), BodyKind.PROTOBUF);
            } catch (InvalidProtocolBufferException e) {
                throw new UnreadableMessage(jms.getJMSMessageID(), e);
            }
        }
        throw new UnreadableMessage(jms.getJMSMessageID(), null);
    }

    /** A body that is not a Pipeline message: retrying will not help, so the broker's dead-letter address gets it. */
    public static final class UnreadableMessage extends RuntimeException {
        UnreadableMessage(String jmsMessageId, Exception cause) {
            super("not a pipeline.v1.Message: " + jmsMessageId, cause);
        }
    }
}
