package dev.pipeline.produce.control;

import static dev.pipeline.testing.SchemaCatalogues.ORDER_REF;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipeline.problem.InvalidRequestException;
import dev.pipeline.testing.SchemaCatalogues;
import dev.pipeline.topics.control.TopicCatalogue;
import dev.pipeline.topics.entity.Topic;
import dev.pipeline.v1.Message;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaValidationTest {

    @TempDir
    Path folder;

    private Topic required;
    private Topic optional;
    private Topic plain;

    @BeforeEach
    void readCatalogues() throws IOException {
        required = topic(SchemaCatalogues.orders(true), "orders", "required");
        optional = topic(SchemaCatalogues.orders(false), "orders", "optional");
        plain = topic(SchemaCatalogues.orders(false), "clicks", "plain");
    }

    @Test
    void topicWithoutSchemasPassesMessagesThroughUntouched() {
        List<Message> messages = List.of(message("not json at all", "", ""), message("{}", "any/ref", "9"));

        assertSame(messages, SchemaValidation.validated(plain, messages));
    }

    @Test
    void validMessageWithoutVersionIsValidatedAgainstTheNewestAndStampedWithIt() {
        List<Message> validated = SchemaValidation.validated(required, List.of(message(SchemaCatalogues.order(), ORDER_REF, "")));

        assertEquals("2", validated.get(0).getSchemaVersion());
    }

    @Test
    void messageNamingAnOlderVersionIsValidatedAgainstThatVersion() {
        Message draft07 = message("{\"orderId\":\"o-1\",\"items\":[{\"sku\":\"s\"}]}", ORDER_REF, "1");

        assertEquals(List.of(draft07), SchemaValidation.validated(required, List.of(draft07)));
        String detail = rejected(required, message("{\"orderId\":\"o-1\",\"items\":[{\"name\":\"no sku\"}]}", ORDER_REF, "1"));
        assertTrue(detail.contains("\"/items/0\"") && detail.contains("'required'"), detail);
    }

    @Test
    void failedValidationNamesTheIndexTheJsonPointerAndTheRule() {
        String invalid = SchemaCatalogues.order().replace("\"quantity\":3", "\"quantity\":0");

        String detail = rejected(required, message(SchemaCatalogues.order(), ORDER_REF, ""), message(invalid, ORDER_REF, "2"));

        assertTrue(detail.startsWith("message [1]:"), detail);
        assertTrue(detail.contains("\"/items/2/quantity\""), detail);
        assertTrue(detail.contains("'minimum'"), detail);
        assertTrue(detail.contains(ORDER_REF) && detail.contains("version '2'"), detail);
    }

    @Test
    void unknownSchemaRefIsRejectedNamingTheAcceptedOnes() {
        String detail = rejected(optional, message("{}", "https://schemas.example.com/invoice", ""));

        assertTrue(detail.contains("'schemaRef' 'https://schemas.example.com/invoice'") && detail.contains(ORDER_REF), detail);
    }

    @Test
    void unknownVersionIsRejectedNamingTheListedOnes() {
        String detail = rejected(optional, message(SchemaCatalogues.order(), ORDER_REF, "3"));

        assertTrue(detail.contains("'schemaVersion' '3'") && detail.contains("[1, 2]"), detail);
    }

    @Test
    void messageThatIsNotJsonIsRejected() {
        String detail = rejected(optional, message("orderId=17", ORDER_REF, ""));

        assertTrue(detail.startsWith("message [0]: 'message' must be JSON"), detail);
    }

    @Test
    void messageWithoutSchemaRefIsRejectedWhereOneIsRequiredAndPassesWhereNot() {
        Message unnamed = message("free text", "", "");

        assertTrue(rejected(required, unnamed).contains("'schemaRef' is required"));
        assertEquals(List.of(unnamed), SchemaValidation.validated(optional, List.of(unnamed)));
    }

    @Test
    void deeplyNestedMessageIsRejectedWith400() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);

        String detail = rejected(optional, message(deep, ORDER_REF, ""));

        assertTrue(detail.contains("must be JSON") && detail.contains("" + SchemaValidation.MAX_NESTING), detail);
    }

    @Test
    void messageOfOneMegabyteAgainstTheSchemaIsAnsweredInBoundedTime() {
        StringBuilder items = new StringBuilder();
        while (items.length() < 1_000_000) {
            items.append("{\"sku\":\"SKU-1001\",\"name\":\"Espresso cups, set of 4\",\"quantity\":2,\"unitPrice\":18.5},");
        }
        String huge = SchemaCatalogues.order().replaceFirst("\"items\":\\[", "\"items\":[" + items);

        String detail = assertTimeout(Duration.ofSeconds(20), () -> rejected(required, message(huge, ORDER_REF, "")));

        assertTrue(detail.contains("\"/items\"") && detail.contains("'maxItems'"), detail);
    }

    private static Message message(String payload, String ref, String version) {
        return Message.newBuilder().setMessage(payload).setSchemaRef(ref).setSchemaVersion(version).build();
    }

    private static String rejected(Topic topic, Message... messages) {
        return assertThrows(InvalidRequestException.class, () -> SchemaValidation.validated(topic, List.of(messages))).getMessage();
    }

    private Topic topic(String catalogue, String name, String subfolder) throws IOException {
        Path file = SchemaCatalogues.write(folder.resolve(subfolder), catalogue);
        try (InputStream json = new FileInputStream(file.toFile())) {
            return TopicCatalogue.parse(json, file.toString()).topic(name).orElseThrow();
        }
    }
}
