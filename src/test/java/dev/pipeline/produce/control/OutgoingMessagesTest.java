package dev.pipeline.produce.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipeline.produce.entity.BodyFormat;
import dev.pipeline.publish.entity.Outgoing;
import dev.pipeline.v1.Message;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutgoingMessagesTest {

    private static final Message MESSAGE = Message.newBuilder().setMessageId("m-1").setMessageType("order.created")
            .setSentTime(1_700_000_000_123L).setMessage("hello")
            .putAllProperties(Map.of("region", "eu", "with-dash", "x", "JMSXGroupID", "g", "_AMQ_DUPL_ID", "d",
                    "source", "spoofed", "AND", "w", "tier_2", "gold"))
            .build();

    @Test
    void jsonMessageIsTheJsonBodyWithTheServicesPropertiesAndTheSelectableOnesOfItsOwn() {
        Outgoing outgoing = OutgoingMessages.of(BodyFormat.JSON, MESSAGE, "00-trace");

        assertEquals(JsonMessages.write(MESSAGE), outgoing.text());
        assertNull(outgoing.bytes());
        assertEquals(Map.of("messageId", "m-1", "messageType", "order.created", "contentType", "application/json",
                "sentTime", 1_700_000_000_123L, "traceparent", "00-trace", "region", "eu", "tier_2", "gold"),
                outgoing.properties());
    }

    @Test
    void protobufMessageIsTheSerializedMessage() {
        Outgoing outgoing = OutgoingMessages.of(BodyFormat.PROTOBUF, MESSAGE, null);

        assertArrayEquals(MESSAGE.toByteArray(), outgoing.bytes());
        assertEquals("application/x-protobuf", outgoing.properties().get("contentType"));
        assertFalse(outgoing.properties().containsKey("traceparent"));
    }

    @Test
    void orderingKeyIsTheJmsGroupIdAndAPropertyOfTheSameNameIsNot() {
        Outgoing keyed = OutgoingMessages.of(BodyFormat.JSON, MESSAGE.toBuilder().setOrderingKey("order-17").build(), null);
        Outgoing unkeyed = OutgoingMessages.of(BodyFormat.JSON, MESSAGE, null);

        assertEquals("order-17", keyed.properties().get("JMSXGroupID"));
        assertFalse(unkeyed.properties().containsKey("JMSXGroupID"));
    }

    @Test
    void onlyValidJmsIdentifiersThatAreNotReservedAreSelectable() {
        assertTrue(OutgoingMessages.isSelectable("region"));
        assertTrue(OutgoingMessages.isSelectable("_private$1"));
        assertFalse(OutgoingMessages.isSelectable(""));
        assertFalse(OutgoingMessages.isSelectable("1st"));
        assertFalse(OutgoingMessages.isSelectable("with-dash"));
        assertFalse(OutgoingMessages.isSelectable("JMSType"));
        assertFalse(OutgoingMessages.isSelectable("JMSXGroupID"));
        assertFalse(OutgoingMessages.isSelectable("_AMQ_DUPL_ID"));
        assertFalse(OutgoingMessages.isSelectable("messageId"));
        assertFalse(OutgoingMessages.isSelectable("between"));
    }

    @Test
    void sizeCountsBodyAndProperties() {
        Outgoing outgoing = OutgoingMessages.of(BodyFormat.JSON, MESSAGE, null);

        assertTrue(outgoing.size() > outgoing.text().length(), "properties count too: " + outgoing.size());
    }
}
