package dev.pipeline.it;

import static dev.pipeline.it.Responses.messageIds;
import static dev.pipeline.it.Responses.problem;
import static dev.pipeline.testing.SchemaCatalogues.ORDER_REF;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipeline.testing.SchemaCatalogues;
import dev.pipeline.v1.Message;
import jakarta.jms.BytesMessage;
import jakarta.jms.TextMessage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A topic listing JSON Schemas ({@link SharedBroker#SCHEMA_TOPIC}, one required) as producers and consumers see it. */
@ExtendWith(ArquillianExtension.class)
@ExtendWith(SharedGateway.class)
class SchemaIT {

    private static final String WRITER = TestTokens.serviceToken("orders-writer").sign();
    private static final String TOPIC = SharedBroker.SCHEMA_TOPIC;

    @Deployment(testable = false)
    static WebArchive pipeline() {
        return Deployments.pipeline();
    }

    @Test
    void validOrderWithoutVersionIsStoredStampedWithTheNewestVersionInBodyAndProperty(Gateway gateway, TestBroker broker)
            throws Exception {
        try (var subscription = broker.subscribe(TOPIC)) {
            messageIds(gateway.post(TOPIC).token(WRITER).json(envelope(SchemaCatalogues.order(), "")));

            TextMessage received = (TextMessage) subscription.next();
            assertEquals("2", received.getStringProperty("schemaVersion"));
            assertEquals(ORDER_REF, received.getStringProperty("schemaRef"));
            JsonObject body = Json.createReader(new StringReader(received.getText())).readObject();
            assertEquals("2", body.getString("schemaVersion"));
            assertEquals(SchemaCatalogues.order(), body.getString("message"));
        }
    }

    @Test
    void protobufMessageIsValidatedAndStampedAlike(Gateway gateway, TestBroker broker) throws Exception {
        Message sent = Message.newBuilder().setSchemaRef(ORDER_REF).setMessage(SchemaCatalogues.order()).build();
        Message invalid = sent.toBuilder().setMessage("{\"orderId\":17}").build();
        try (var subscription = broker.subscribe(TOPIC)) {
            messageIds(gateway.post(TOPIC).token(WRITER).header("Content-Type", Gateway.PROTOBUF).send(sent.toByteArray()));
            String detail = problem(gateway.post(TOPIC).token(WRITER).header("Content-Type", Gateway.PROTOBUF)
                    .send(invalid.toByteArray()), 400);

            BytesMessage received = (BytesMessage) subscription.next();
            byte[] bytes = new byte[(int) received.getBodyLength()];
            received.readBytes(bytes);
            assertEquals("2", Message.parseFrom(bytes).getSchemaVersion());
            assertTrue(detail.contains("message [0]") && detail.contains("\"/orderId\"") && detail.contains("'type'"), detail);
        }
    }

    @Test
    void olderVersionNamedByTheMessageIsTheOneValidatedAndKept(Gateway gateway, TestBroker broker) throws Exception {
        try (var subscription = broker.subscribe(TOPIC)) {
            messageIds(gateway.post(TOPIC).token(WRITER).json(envelope("{\"orderId\":\"o-1\",\"items\":[{\"sku\":\"s\"}]}", "1")));

            assertEquals("1", subscription.next().getStringProperty("schemaVersion"));
        }
    }

    @Test
    void batchWithOneInvalidOrderIsRejectedNamingIndexPointerAndRuleAndNothingIsStored(Gateway gateway, TestBroker broker)
            throws Exception {
        String invalid = SchemaCatalogues.order().replace("\"currency\":\"EUR\"", "\"currency\":\"euro\"");
        String marker = "marker-" + UUID.randomUUID();
        try (var subscription = broker.subscribe(TOPIC)) {
            String detail = problem(gateway.post(TOPIC).token(WRITER)
                    .json("[" + envelope(SchemaCatalogues.order(), "") + "," + envelope(invalid, "2") + "]"), 400);
            messageIds(gateway.post(TOPIC).token(WRITER).json(envelope(SchemaCatalogues.order(), "")
                    .replace("{\"schemaRef\"", "{\"messageId\":\"" + marker + "\",\"schemaRef\"")));

            assertTrue(detail.contains("message [1]"), detail);
            assertTrue(detail.contains("\"/currency\""), detail);
            assertTrue(detail.contains("'pattern'"), detail);
            assertEquals(1, subscription.untilMarker(marker).size(), "the valid member of the rejected batch was not stored");
        }
    }

    @Test
    void messageWithoutSchemaRefIsRejectedWhereTheTopicRequiresOne(Gateway gateway) throws Exception {
        String detail = problem(gateway.post(TOPIC).token(WRITER).json("{\"message\":\"{}\"}"), 400);

        assertTrue(detail.contains("'schemaRef' is required") && detail.contains(ORDER_REF), detail);
    }

    @Test
    void unknownVersionAndNonJsonMessageAreRejectedWith400(Gateway gateway) throws Exception {
        String unknown = problem(gateway.post(TOPIC).token(WRITER).json(envelope(SchemaCatalogues.order(), "7")), 400);
        String notJson = problem(gateway.post(TOPIC).token(WRITER).json(
                "{\"schemaRef\":\"" + ORDER_REF + "\",\"message\":\"orderId=17\"}"), 400);

        assertTrue(unknown.contains("'schemaVersion' '7'"), unknown);
        assertTrue(notJson.contains("must be JSON"), notJson);
    }

    @Test
    void largeOrderAgainstTheSchemaIsAnswered400WithinSeconds(Gateway gateway) throws Exception {
        StringBuilder items = new StringBuilder();
        while (items.length() < 700_000) {
            items.append("{\"sku\":\"SKU-1001\",\"quantity\":2,\"unitPrice\":18.5},");
        }
        String large = SchemaCatalogues.order().replaceFirst("\"items\":\\[", "\"items\":[" + items);
        Instant started = Instant.now();

        HttpResponse<String> response = gateway.post(TOPIC).token(WRITER).json(envelope(large, ""));

        String detail = problem(response, 400);
        assertTrue(detail.contains("'maxItems'"), detail);
        assertTrue(Duration.between(started, Instant.now()).toSeconds() < 20, "answered within 20 s");
    }

    @Test
    void topicWithoutSchemasTakesAnyMessageAsBefore(Gateway gateway, TestBroker broker) throws Exception {
        try (var subscription = broker.subscribe("orders")) {
            List<String> ids = messageIds(gateway.post("orders").token(WRITER).json(
                    "{\"schemaRef\":\"" + ORDER_REF + "\",\"message\":\"not JSON, not checked\"}"));

            assertEquals(ids.get(0), subscription.next().getStringProperty("messageId"));
        }
    }

    private static String envelope(String order, String version) {
        String escaped = Json.createValue(order).toString();
        return "{\"schemaRef\":\"" + ORDER_REF + "\"" + (version.isEmpty() ? "" : ",\"schemaVersion\":\"" + version + "\"")
                + ",\"message\":" + escaped + "}";
    }
}
