package dev.pipeline.produce.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipeline.problem.InvalidRequestException;
import dev.pipeline.v1.Message;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonMessagesTest {

    private static final String ALL_FIELDS = """
            {
              "messageType": "order.created",
              "source": "shop",
              "sentTime": 1700000000123,
              "imsOrg": "ACME@AdobeOrg",
              "properties": {"region": "eu", "tier": "gold"},
              "messageId": "id-1",
              "locations": ["eu-west", "us-east"],
              "messageContentType": "text/plain",
              "schemaRef": "orders.avsc",
              "schemaVersion": "3",
              "message": "hello",
              "orderingKey": "order-17"
            }
            """;

    @Test
    void allTwelveFieldsMapToTheProtobufMessage() {
        Message message = parse(ALL_FIELDS);

        assertEquals("order.created", message.getMessageType());
        assertEquals("shop", message.getSource());
        assertEquals(1_700_000_000_123L, message.getSentTime());
        assertEquals("ACME@AdobeOrg", message.getImsOrg());
        assertEquals(Map.of("region", "eu", "tier", "gold"), message.getPropertiesMap());
        assertEquals("id-1", message.getMessageId());
        assertEquals(List.of("eu-west", "us-east"), message.getLocationsList());
        assertEquals("text/plain", message.getMessageContentType());
        assertEquals("orders.avsc", message.getSchemaRef());
        assertEquals("3", message.getSchemaVersion());
        assertEquals("hello", message.getMessage());
        assertEquals("order-17", message.getOrderingKey());
    }

    @Test
    void absentFieldsStayAtTheirDefaults() {
        Message message = parse("{\"message\":\"only\"}");

        assertEquals(Message.newBuilder().setMessage("only").build(), message);
    }

    @Test
    void unknownFieldIsRejectedWith400NamingIt() {
        InvalidRequestException problem = rejected("{\"message\":\"a\",\"colour\":\"red\"}");

        assertTrue(problem.getMessage().contains("colour"), problem.getMessage());
    }

    @Test
    void unknownFieldInABatchMemberIsNamedWithItsIndex() {
        InvalidRequestException problem = assertThrows(InvalidRequestException.class,
                () -> JsonMessages.message(JsonMessages.read(bytes("{\"message\":\"a\",\"colour\":\"red\"}")), "[3]."));

        assertTrue(problem.getMessage().contains("[3].colour"), problem.getMessage());
    }

    @Test
    void fieldNamesAreCaseSensitive() {
        InvalidRequestException problem = rejected("{\"Message\":\"a\"}");

        assertTrue(problem.getMessage().contains("Message"), problem.getMessage());
    }

    @ParameterizedTest(name = "{0} is rejected naming {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{\"message\":\"a\",\"sentTime\":\"1700000000000\"}          | sentTime",
            "{\"message\":\"a\",\"sentTime\":1700000000000.5}            | sentTime",
            "{\"message\":\"a\",\"sentTime\":1.7e12}                     | sentTime",
            "{\"message\":\"a\",\"sentTime\":-1}                         | sentTime",
            "{\"message\":\"a\",\"sentTime\":99999999999999999999}       | sentTime",
            "{\"message\":\"a\",\"sentTime\":true}                       | sentTime",
            "{\"message\":42}                                            | message",
            "{\"message\":null}                                          | message",
            "{\"message\":\"a\",\"messageId\":7}                         | messageId",
            "{\"message\":\"a\",\"imsOrg\":null}                         | imsOrg",
            "{\"message\":\"a\",\"source\":[\"s\"]}                      | source",
            "{\"message\":\"a\",\"properties\":{\"region\":1}}           | properties.region",
            "{\"message\":\"a\",\"properties\":{\"region\":null}}        | properties.region",
            "{\"message\":\"a\",\"properties\":[\"region\"]}             | properties",
            "{\"message\":\"a\",\"properties\":\"region=eu\"}            | properties",
            "{\"message\":\"a\",\"locations\":\"eu-west\"}               | locations",
            "{\"message\":\"a\",\"locations\":[\"eu-west\",3]}           | locations[1]",
            "{\"message\":\"a\",\"locations\":null}                      | locations",
            "{\"message\":\"a\",\"orderingKey\":17}                      | orderingKey",
            "{\"message\":\"a\",\"orderingKey\":null}                    | orderingKey",
    })
    void wrongTypeIsRejectedWith400NamingTheField(String json, String field) {
        InvalidRequestException problem = rejected(json);

        assertTrue(problem.getMessage().contains("'" + field + "'"), problem.getMessage());
    }

    @Test
    void duplicateTopLevelKeyIsRejectedWith400() {
        InvalidRequestException problem = rejected("{\"message\":\"a\",\"message\":\"b\"}");

        assertTrue(problem.getMessage().contains("message"), problem.getMessage());
    }

    @Test
    void duplicateKeyInsidePropertiesIsRejectedWith400() {
        InvalidRequestException problem = rejected("{\"message\":\"a\",\"properties\":{\"k\":\"1\",\"k\":\"2\"}}");

        assertTrue(problem.getMessage().contains("k"), problem.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "{\"message\":\"a\"",
            "{\"message\":'a'}",
            "{message:\"a\"}",
            "{\"message\":\"a\",}",
            "not json",
    })
    void malformedJsonIsRejectedWith400(String json) {
        InvalidRequestException problem = rejected(json);

        assertTrue(problem.getMessage().startsWith("malformed JSON"), problem.getMessage());
    }

    @Test
    void emptyBodyIsRejectedWith400() {
        assertThrows400(() -> JsonMessages.read(new byte[0]));
    }

    @Test
    void trailingGarbageAfterTheObjectIsRejectedWith400() {
        assertThrows400(() -> JsonMessages.read(bytes("{\"message\":\"a\"} x")));
    }

    @Test
    void secondObjectAfterTheFirstIsRejectedWith400() {
        assertThrows400(() -> JsonMessages.read(bytes("{\"message\":\"a\"}{\"message\":\"b\"}")));
    }

    @Test
    void deeplyNestedJsonIsRejectedWith400() {
        String nested = "{\"message\":\"a\",\"properties\":" + "[".repeat(2_000) + "]".repeat(2_000) + "}";

        assertThrows400(() -> JsonMessages.read(bytes(nested)));
    }

    @Test
    void aMessageThatIsNotAnObjectIsRejectedWith400() {
        InvalidRequestException problem = assertThrows(InvalidRequestException.class, () -> JsonMessages.message(JsonMessages.read(bytes("\"a\"")), "[2]."));

        assertTrue(problem.getMessage().contains("[2]"), problem.getMessage());
    }

    @Test
    void writeRoundTripsThroughMessage() {
        Message original = parse(ALL_FIELDS);

        String written = JsonMessages.write(original);

        assertEquals(original, parse(written));
    }

    @Test
    void writeLeavesOutUnsetFields() {
        String written = JsonMessages.write(Message.newBuilder().setMessage("hi").build());

        assertEquals("{\"message\":\"hi\"}", written);
    }

    private static Message parse(String json) {
        return JsonMessages.message(JsonMessages.read(bytes(json)), "");
    }

    private static InvalidRequestException rejected(String json) {
        return assertThrows400(() -> parse(json));
    }

    private static InvalidRequestException assertThrows400(org.junit.jupiter.api.function.Executable parsing) {
        InvalidRequestException problem = assertThrows(InvalidRequestException.class, parsing);
        return problem;
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
