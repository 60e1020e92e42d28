package dev.pipeline.it;

import static dev.pipeline.it.Responses.messageIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ArquillianExtension.class)
@ExtendWith(SharedGateway.class)
class ProduceJsonIT {

    private static final String WRITER = TestTokens.serviceToken("orders-writer").sign();

    @Deployment(testable = false)
    static WebArchive pipeline() {
        return Deployments.pipeline();
    }

    @Test
    void jsonMessageArrivesAsPersistentTextMessageWithPropertiesAndTopicTtl(Gateway gateway, TestBroker broker) throws Exception {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        String id = "order-" + UUID.randomUUID();
        String sent = """
                {"messageType":"order.created","source":"shop","sentTime":1700000000123,"imsOrg":"ORG1@AdobeOrg",
                 "properties":{"region":"eu","tier":"gold","not-an-identifier":"x","JMSXGroupID":"g","source":"other"},"messageId":"%s","locations":["eu-west-1","us-east-1"],
                 "messageContentType":"application/json","schemaRef":"orders/created","schemaVersion":"3",
                 "message":"{\\"orderId\\":42}"}""".formatted(id);
        try (var subscription = broker.subscribe("orders")) {
            List<String> ids = messageIds(gateway.post("orders").token(WRITER).header("traceparent", traceparent).json(sent));

            assertEquals(List.of(id), ids);
            Message received = subscription.next();
            TextMessage text = (TextMessage) received;
            assertEquals(Json.createReader(new StringReader(sent)).readObject(), parse(text.getText()));
            assertEquals(DeliveryMode.PERSISTENT, received.getJMSDeliveryMode());
            assertEquals(3_600_000L, received.getJMSExpiration() - received.getJMSTimestamp());
            assertEquals(id, received.getStringProperty("messageId"));
            assertEquals("order.created", received.getStringProperty("messageType"));
            assertEquals("shop", received.getStringProperty("source"));
            assertEquals("ORG1@AdobeOrg", received.getStringProperty("imsOrg"));
            assertEquals("orders/created", received.getStringProperty("schemaRef"));
            assertEquals("3", received.getStringProperty("schemaVersion"));
            assertEquals("application/json", received.getStringProperty("messageContentType"));
            assertEquals("application/json", received.getStringProperty("contentType"));
            assertEquals(1700000000123L, received.getLongProperty("sentTime"));
            assertEquals(traceparent, received.getStringProperty("traceparent"));
            assertEquals("eu", received.getStringProperty("region"), "a selectable entry of properties is a JMS property");
            assertEquals("gold", received.getStringProperty("tier"));
            assertEquals(null, received.getStringProperty("JMSXGroupID"), "reserved names stay in the body only");
        }
    }

    @Test
    void serviceFillsInMessageIdAndSentTimeAndPublishesThem(Gateway gateway, TestBroker broker) throws Exception {
        try (var subscription = broker.subscribe("orders")) {
            long before = System.currentTimeMillis();
            List<String> ids = messageIds(gateway.post("orders").token(WRITER).json("{\"message\":\"hello\"}"));
            long after = System.currentTimeMillis();

            TextMessage received = (TextMessage) subscription.next();
            JsonObject body = parse(received.getText());
            assertEquals(1, ids.size());
            assertFalse(ids.get(0).isBlank());
            assertEquals(ids.get(0), body.getString("messageId"));
            assertEquals(ids.get(0), received.getStringProperty("messageId"));
            long sentTime = body.getJsonNumber("sentTime").longValueExact();
            assertTrue(sentTime >= before && sentTime <= after, "sentTime " + sentTime + " is the receive time");
            assertEquals(sentTime, received.getLongProperty("sentTime"));
            assertFalse(received.propertyExists("messageType"), "unset fields are not set as properties");
        }
    }

    @Test
    void expirationFollowsEachTopicsTtl(Gateway gateway, TestBroker broker) throws Exception {
        try (var subscription = broker.subscribe("clicks")) {
            messageIds(gateway.post("clicks").token(WRITER).json("{\"message\":\"click\"}"));

            Message received = subscription.next();
            assertEquals(600_000L, received.getJMSExpiration() - received.getJMSTimestamp());
        }
    }

    @Test
    void jsonBatchIsStoredInRequestOrderAndAnsweredWithIdsInThatOrder(Gateway gateway, TestBroker broker) throws Exception {
        String batch = """
                [{"message":"one","messageId":"b-1-%1$s"},{"message":"two"},{"message":"three","messageId":"b-3-%1$s"},
                 {"message":"four"},{"message":"five"}]""".formatted(UUID.randomUUID());
        try (var subscription = broker.subscribe("orders")) {
            List<String> ids = messageIds(gateway.post("orders").token(WRITER).json(batch));

            assertEquals(5, ids.size());
            assertTrue(ids.get(0).startsWith("b-1-") && ids.get(2).startsWith("b-3-"));
            for (int i = 0; i < 5; i++) {
                TextMessage received = (TextMessage) subscription.next();
                assertEquals(ids.get(i), received.getStringProperty("messageId"));
                assertEquals(List.of("one", "two", "three", "four", "five").get(i), parse(received.getText()).getString("message"));
            }
        }
    }

    @Test
    void retriedMessageIdIsAcknowledgedButStoredOnce(Gateway gateway, TestBroker broker) throws Exception {
        String id = "retry-" + UUID.randomUUID();
        String marker = "marker-" + UUID.randomUUID();
        try (var subscription = broker.subscribe("orders")) {
            String message = "{\"message\":\"once\",\"messageId\":\"" + id + "\"}";
            assertEquals(List.of(id), messageIds(gateway.post("orders").token(WRITER).json(message)));
            assertEquals(List.of(id), messageIds(gateway.post("orders").token(WRITER).json(message)));
            assertEquals(List.of(id), messageIds(gateway.post("orders").token(WRITER).json("[" + message + "]")));
            messageIds(gateway.post("orders").token(WRITER).json("{\"message\":\"end\",\"messageId\":\"" + marker + "\"}"));

            List<String> stored = ids(subscription.untilMarker(marker));
            assertEquals(List.of(id, marker), stored);
        }
    }

    @Test
    void batchRepeatingStoredIdsStoresOnlyTheNewOnesOnceInOrder(Gateway gateway, TestBroker broker) throws Exception {
        String run = UUID.randomUUID().toString();
        String marker = "marker-" + run;
        try (var subscription = broker.subscribe("orders")) {
            messageIds(gateway.post("orders").token(WRITER).json("[{\"message\":\"a\",\"messageId\":\"a-" + run + "\"}]"));
            List<String> ids = messageIds(gateway.post("orders").token(WRITER).json("""
                    [{"message":"a","messageId":"a-%1$s"},{"message":"b","messageId":"b-%1$s"},{"message":"c","messageId":"c-%1$s"}]
                    """.formatted(run)));
            messageIds(gateway.post("orders").token(WRITER).json("{\"message\":\"end\",\"messageId\":\"" + marker + "\"}"));

            assertEquals(List.of("a-" + run, "b-" + run, "c-" + run), ids);
            assertEquals(List.of("a-" + run, "b-" + run, "c-" + run, marker), ids(subscription.untilMarker(marker)));
        }
    }

    static List<String> ids(List<Message> messages) throws Exception {
        List<String> ids = new java.util.ArrayList<>();
        for (Message message : messages) {
            ids.add(message.getStringProperty("messageId"));
        }
        return ids;
    }

    private static JsonObject parse(String json) {
        return Json.createReader(new StringReader(json)).readObject();
    }
}
