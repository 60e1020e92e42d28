package dev.pipeline.topics.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipeline.testing.CapturedWarnings;
import dev.pipeline.testing.SchemaCatalogues;
import dev.pipeline.topics.entity.Topic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class CatalogueReloadTest {

    private static final String ORDERS = """
            { "topics": [ { "name": "orders", "ttl": "PT1H", "producers": ["orders-writer"] } ] }
            """;
    private static final String ORDERS_AND_CLICKS = """
            { "topics": [ { "name": "orders", "ttl": "PT1H", "producers": ["orders-writer"] },
                          { "name": "clicks", "ttl": "PT10M", "producers": ["clicks-writer"] } ] }
            """;

    @TempDir
    Path directory;

    private Path file;
    private TopicCatalogue catalogue;
    @RegisterExtension
    final CapturedWarnings warnings = new CapturedWarnings(TopicCatalogue.class);

    @BeforeEach
    void loadFirstVersion() throws IOException {
        file = directory.resolve("topics.json");
        Files.writeString(file, ORDERS);
        catalogue = new TopicCatalogue();
        catalogue.catalogueFile = Optional.of(file.toString());
        catalogue.load();
    }

    @Test
    void unchangedFileKeepsTheVersionSilently() {
        String version = catalogue.version();

        assertFalse(catalogue.reload());
        assertEquals(version, catalogue.version());
        assertEquals(List.of(), warnings.records());
    }

    @Test
    void addedTopicIsInForceAfterReload() throws IOException {
        Files.writeString(file, ORDERS_AND_CLICKS);

        assertTrue(catalogue.reload());
        assertEquals(Optional.of("clicks"), catalogue.producibleTopic("clicks", List.of("clicks-writer")).map(Topic::name));
    }

    @Test
    void removedTopicIsGoneAfterReload() throws IOException {
        Files.writeString(file, ORDERS_AND_CLICKS);
        catalogue.reload();
        Files.writeString(file, ORDERS);

        assertTrue(catalogue.reload());
        assertEquals(Optional.empty(), catalogue.topic("clicks"));
    }

    @Test
    void changedProducersAndTtlAreInForceAfterReload() throws IOException {
        Files.writeString(file, ORDERS.replace("PT1H", "PT5M").replace("orders-writer", "billing"));

        catalogue.reload();

        assertEquals(Optional.empty(), catalogue.producibleTopic("orders", List.of("orders-writer")));
        assertEquals(Optional.of(Duration.ofMinutes(5)), catalogue.producibleTopic("orders", List.of("billing")).map(Topic::ttl));
    }

    @Test
    void versionIsAHashOfTheContent() throws IOException {
        String first = catalogue.version();
        Files.writeString(file, ORDERS_AND_CLICKS);
        catalogue.reload();
        String second = catalogue.version();
        Files.writeString(file, ORDERS);
        catalogue.reload();

        assertNotEquals(first, second);
        assertEquals(first, catalogue.version());
        assertEquals(12, first.length());
    }

    @Test
    void invalidCatalogueIsRefusedWithOneLogLineAndTheOldStaysInForce() throws IOException {
        String version = catalogue.version();
        Files.writeString(file, ORDERS.replace("PT1H", "an hour"));

        assertFalse(catalogue.reload());
        assertFalse(catalogue.reload());
        assertFalse(catalogue.reload());

        assertEquals(version, catalogue.version());
        assertTrue(catalogue.topic("orders").isPresent());
        assertEquals(1, warnings.size(), warnings.toString());
        String line = warnings.message(0);
        assertTrue(line.contains("topics[0].ttl 'an hour'"), line);
        assertTrue(line.contains(version + " stays in force"), line);
        assertTrue(catalogue.refusal().orElseThrow().contains("topics[0].ttl"), catalogue.refusal().toString());
    }

    @Test
    void anotherInvalidVersionIsLoggedAgain() throws IOException {
        Files.writeString(file, ORDERS.replace("PT1H", "an hour"));
        catalogue.reload();
        Files.writeString(file, "{");
        catalogue.reload();

        assertEquals(2, warnings.size(), warnings.toString());
    }

    @Test
    void validVersionAfterAnInvalidOneIsInForceAndClearsTheRefusal() throws IOException {
        Files.writeString(file, "not json");
        catalogue.reload();
        Files.writeString(file, ORDERS_AND_CLICKS);

        assertTrue(catalogue.reload());
        assertTrue(catalogue.topic("clicks").isPresent());
        assertEquals(Optional.empty(), catalogue.refusal());
    }

    @Test
    void restoringTheVersionInForceClearsTheRefusal() throws IOException {
        Files.writeString(file, "not json");
        catalogue.reload();
        Files.writeString(file, ORDERS);

        assertFalse(catalogue.reload());
        assertEquals(Optional.empty(), catalogue.refusal());
    }

    @Test
    void missingFileIsLoggedOnceAndTheOldStaysInForce() throws IOException {
        Files.delete(file);

        catalogue.reload();
        catalogue.reload();

        assertTrue(catalogue.topic("orders").isPresent());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.message(0).contains("cannot be read"), warnings.message(0));
    }

    @Test
    void fileReplacedThroughASymbolicLinkIsRead() throws IOException {
        Path first = Files.writeString(directory.resolve("v1.json"), ORDERS);
        Path second = Files.writeString(directory.resolve("v2.json"), ORDERS_AND_CLICKS);
        Path link = Files.createSymbolicLink(directory.resolve("current.json"), first);
        catalogue.catalogueFile = Optional.of(link.toString());
        catalogue.load();
        Files.delete(link);
        Files.createSymbolicLink(link, second);

        assertTrue(catalogue.reload());
        assertTrue(catalogue.topic("clicks").isPresent());
    }

    @Test
    void editedSchemaFileIsANewVersionThoughTheCatalogueIsUnchanged() throws IOException {
        Path schemaFolder = loadWithSchemas(false);
        String version = catalogue.version();
        Files.writeString(schemaFolder.resolve("schemas/order-1.json"), "{\"type\": \"object\"}");

        assertTrue(catalogue.reload());
        assertNotEquals(version, catalogue.version());
    }

    @Test
    void badSchemaFileKeepsTheVersionInForceWithOneWarningNamingFileAndProblem() throws IOException {
        Path schemaFolder = loadWithSchemas(true);
        String version = catalogue.version();
        Files.writeString(schemaFolder.resolve("schemas/order-2.json"), "{\"$ref\": \"https://evil.example.com/s.json\"}");

        assertFalse(catalogue.reload());
        assertFalse(catalogue.reload());

        assertEquals(version, catalogue.version());
        assertTrue(catalogue.topic("orders").orElseThrow().schemas().schema(SchemaCatalogues.ORDER_REF, "2").isPresent());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.message(0).contains("order-2.json") && warnings.message(0).contains("https://evil.example.com/s.json"),
                warnings.message(0));
    }

    /** Loads a catalogue whose orders topic lists the test schemas; returns the catalogue's folder. */
    private Path loadWithSchemas(boolean requireSchema) throws IOException {
        Path schemaFolder = directory.resolve("with-schemas");
        catalogue.catalogueFile = Optional.of(SchemaCatalogues.write(schemaFolder, SchemaCatalogues.orders(requireSchema)).toString());
        catalogue.load();
        return schemaFolder;
    }
}
