package dev.pipeline.topics.control;

import static dev.pipeline.testing.SchemaCatalogues.ORDER_REF;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipeline.testing.SchemaCatalogues;
import dev.pipeline.topics.entity.Topic;
import dev.pipeline.topics.entity.TopicSchemas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogueSchemasTest {

    @TempDir
    Path folder;

    @Test
    void topicListingSchemasHasThemCompiledWithTheVersionListedLastAsNewest() {
        Topic orders = load(SchemaCatalogues.orders(true)).topic("orders").orElseThrow();

        TopicSchemas schemas = orders.schemas();
        assertTrue(schemas.required());
        assertEquals(List.of("1", "2"), schemas.versions(ORDER_REF));
        assertEquals(Optional.of("2"), schemas.newestVersion(ORDER_REF));
        assertTrue(schemas.schema(ORDER_REF, "1").isPresent());
    }

    @Test
    void topicWithoutSchemasHasNone() {
        assertEquals(TopicSchemas.NONE, load(SchemaCatalogues.orders(false)).topic("clicks").orElseThrow().schemas());
    }

    @Test
    void missingSchemaFileIsRejectedNamingIt() {
        String problem = rejected(SchemaCatalogues.orders(false).replace("order-1.json", "order-9.json"));

        assertTrue(problem.contains("topics[0].schemas[0].file") && problem.contains("order-9.json"), problem);
    }

    @Test
    void schemaFileThatIsNotJsonIsRejectedNamingFileAndProblem() throws IOException {
        SchemaCatalogues.write(folder, SchemaCatalogues.orders(false));
        Files.writeString(folder.resolve("schemas/order-2.json"), "{\"type\": ");

        String problem = rejected(folder.resolve("topics.json"));

        assertTrue(problem.contains("order-2.json") && problem.contains("is not JSON"), problem);
    }

    @Test
    void schemaThatBreaksItsMetaSchemaIsRejected() {
        String problem = rejectedSchema("{\"type\": 5}");

        assertTrue(problem.contains("is not a valid JSON Schema") && problem.contains("/type"), problem);
    }

    @Test
    void remoteReferenceIsRefusedAtLoad() {
        String problem = rejectedSchema("{\"properties\": {\"a\": {\"$ref\": \"https://schemas.example.com/remote.json\"}}}");

        assertTrue(problem.contains("https://schemas.example.com/remote.json") && problem.contains("outside the file"), problem);
    }

    @Test
    void schemaOfAnotherDialectIsRejected() {
        String problem = rejectedSchema("{\"$schema\": \"http://json-schema.org/draft-04/schema#\"}");

        assertTrue(problem.contains("draft-04") && problem.contains("2020-12"), problem);
    }

    @Test
    void schemaThatRecursesWithoutEndIsRefusedAtLoad() {
        String problem = rejectedSchema("{\"$ref\": \"#\"}");

        assertTrue(problem.contains("recurses"), problem);
    }

    @Test
    void requireSchemaWithoutSchemasIsRejected() {
        String problem = rejected("""
                { "topics": [ { "name": "orders", "ttl": "PT1H", "producers": ["w"], "requireSchema": true } ] }""");

        assertTrue(problem.contains("topics[0].requireSchema"), problem);
    }

    @Test
    void versionListedTwiceIsRejected() {
        String problem = rejected(SchemaCatalogues.orders(false).replace("\"version\": \"2\"", "\"version\": \"1\""));

        assertTrue(problem.contains("topics[0].schemas[1]") && problem.contains("a second time"), problem);
    }

    @Test
    void unknownFieldOfASchemaEntryIsRejected() {
        String problem = rejected(SchemaCatalogues.orders(false).replace("\"version\": \"2\",", "\"version\": \"2\", \"url\": \"x\","));

        assertTrue(problem.contains("unknown field topics[0].schemas[1].url"), problem);
    }

    @Test
    void sameSchemasReadTwiceAreEqualSoAReloadNamesNoChange() {
        Topic first = load(SchemaCatalogues.orders(true)).topic("orders").orElseThrow();
        Topic second = load(SchemaCatalogues.orders(true)).topic("orders").orElseThrow();

        assertEquals(first, second);
        assertFalse(first.equals(load(SchemaCatalogues.orders(false)).topic("orders").orElseThrow()));
    }

    private TopicCatalogue load(String catalogue) {
        Path file = SchemaCatalogues.write(folder, catalogue);
        try {
            return TopicCatalogue.parse(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private String rejected(String catalogue) {
        return rejected(SchemaCatalogues.write(folder, catalogue));
    }

    private String rejected(Path file) {
        return assertThrows(InvalidCatalogueException.class,
                () -> TopicCatalogue.parse(Files.readAllBytes(file), file.toString())).getMessage();
    }

    /** The problem with order version 2 replaced by the schema. */
    private String rejectedSchema(String schema) {
        SchemaCatalogues.write(folder, SchemaCatalogues.orders(false));
        try {
            Files.writeString(folder.resolve("schemas/order-2.json"), schema);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        String problem = rejected(folder.resolve("topics.json"));
        assertTrue(problem.contains("topics[0].schemas[1].file") && problem.contains("order-2.json"), problem);
        return problem;
    }
}
