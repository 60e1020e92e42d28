package dev.pipeline.it;

import static dev.pipeline.it.Responses.messageIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipeline.v1.Message;
import dev.pipeline.v1.MessageBatch;
import jakarta.jms.BytesMessage;
import jakarta.jms.DeliveryMode;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ArquillianExtension.class)
@ExtendWith(SharedGateway.class)
class ProduceProtobufIT {

    private static final String WRITER = TestTokens.serviceToken("orders-writer").sign();

    @Deployment(testable = false)
    static WebArchive pipeline() {
        return Deployments.pipeline();
    }

    @Test
    void protobufMessageArrivesAsBytesMessageHoldingTheSerializedMessage(Gateway gateway, TestBroker broker) throws Exception {
        Message sent = Message.newBuilder().setMessageId("pb-" + UUID.randomUUID()).setMessageType("order.created")
                .setSource("shop").setSentTime(1700000000456L).setImsOrg("ORG2@AdobeOrg").putProperties("k", "v")
                .addLocations("eu").setMessageContentType("text/plain").setSchemaRef("orders").setSchemaVersion("1")
                .setMessage("binary hello").build();
        try (var subscription = broker.subscribe("orders")) {
            List<String> ids = messageIds(gateway.post("orders").token(WRITER)
                    .header("Content-Type", Gateway.PROTOBUF).send(sent.toByteArray()));

            assertEquals(List.of(sent.getMessageId()), ids);
            var received = subscription.next();
            assertEquals(sent, Message.parseFrom(bytes((BytesMessage) received)));
            assertEquals(DeliveryMode.PERSISTENT, received.getJMSDeliveryMode());
            assertEquals(3_600_000L, received.getJMSExpiration() - received.getJMSTimestamp());
            assertEquals("application/x-protobuf", received.getStringProperty("contentType"));
            assertEquals("order.created", received.getStringProperty("messageType"));
            assertEquals("ORG2@AdobeOrg", received.getStringProperty("imsOrg"));
            assertEquals("text/plain", received.getStringProperty("messageContentType"));
            assertEquals(1700000000456L, received.getLongProperty("sentTime"));
        }
    }

    @Test
    void bodyWithoutContentTypeIsReadAsProtobufAndFilledIn(Gateway gateway, TestBroker broker) throws Exception {
        try (var subscription = broker.subscribe("orders")) {
            List<String> ids = messageIds(gateway.post("orders").token(WRITER)
                    .send(Message.newBuilder().setMessage("no content type").build().toByteArray()));

            Message received = Message.parseFrom(bytes((BytesMessage) subscription.next()));
            assertEquals(ids.get(0), received.getMessageId());
            assertEquals("no content type", received.getMessage());
            assertTrue(received.getSentTime() > 0, "sentTime is filled in");
        }
    }

    @Test
    void bareXProtobufContentTypeOfTheOriginalPageIsAccepted(Gateway gateway, TestBroker broker) throws Exception {
        try (var subscription = broker.subscribe("orders")) {
            messageIds(gateway.post("orders").token(WRITER).header("Content-Type", "x-protobuf")
                    .send(Message.newBuilder().setMessage("bare").build().toByteArray()));

            assertEquals("bare", Message.parseFrom(bytes((BytesMessage) subscription.next())).getMessage());
        }
    }

    @Test
    void protobufBatchIsStoredInOrder(Gateway gateway, TestBroker broker) throws Exception {
        MessageBatch.Builder batch = MessageBatch.newBuilder();
        for (int i = 0; i < 4; i++) {
            batch.addMessages(Message.newBuilder().setMessage("pb-" + i));
        }
        try (var subscription = broker.subscribe("orders")) {
            List<String> ids = messageIds(gateway.post("orders").token(WRITER)
                    .header("Content-Type", Gateway.PROTOBUF_BATCH).send(batch.build().toByteArray()));

            assertEquals(4, ids.size());
            for (int i = 0; i < 4; i++) {
                Message received = Message.parseFrom(bytes((BytesMessage) subscription.next()));
                assertEquals("pb-" + i, received.getMessage());
                assertEquals(ids.get(i), received.getMessageId());
            }
        }
    }

    private static byte[] bytes(BytesMessage message) throws Exception {
        byte[] bytes = new byte[(int) message.getBodyLength()];
        message.readBytes(bytes);
        return bytes;
    }
}
