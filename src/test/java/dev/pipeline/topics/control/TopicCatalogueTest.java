package dev.pipeline.topics.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipeline.topics.entity.Topic;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicCatalogueTest {

    private static final String SOURCE = "/etc/pipeline/topics.json";
    private static final String VALID = """
            { "topics": [
              { "name": "orders", "ttl": "PT1H",  "producers": ["orders-writer"] },
              { "name": "clicks", "ttl": "PT10M", "producers": ["clicks-writer", "orders-writer"] } ] }
            """;

    @Test
    void validCatalogueListsItsTopics() {
        TopicCatalogue catalogue = parse(VALID);

        assertEquals(Set.of("orders", "clicks"), Set.copyOf(catalogue.all().stream().map(Topic::name).toList()));
        assertEquals(Optional.of(new Topic("orders", Duration.ofHours(1), Set.of("orders-writer"))), catalogue.topic("orders"));
        assertEquals(Optional.of(new Topic("clicks", Duration.ofMinutes(10), Set.of("clicks-writer", "orders-writer"))),
                catalogue.topic("clicks"));
    }

    @Test
    void unknownTopicIsAbsent() {
        assertEquals(Optional.empty(), parse(VALID).topic("ghost"));
    }

    @Test
    void producibleTopicIsFoundForOneOfItsProducerGroups() {
        Optional<Topic> topic = parse(VALID).producibleTopic("clicks", List.of("readers", "clicks-writer"));

        assertEquals(Optional.of("clicks"), topic.map(Topic::name));
    }

    @Test
    void producibleTopicIsEmptyForAnotherGroup() {
        assertEquals(Optional.empty(), parse(VALID).producibleTopic("orders", List.of("clicks-writer")));
    }

    @Test
    void producibleTopicIsEmptyWithoutGroups() {
        assertEquals(Optional.empty(), parse(VALID).producibleTopic("orders", List.of()));
    }

    @Test
    void producibleTopicIsEmptyForAnUnknownTopic() {
        assertEquals(Optional.empty(), parse(VALID).producibleTopic("ghost", List.of("orders-writer")));
    }

    @Test
    void subMillisecondPrecisionTtlAboveOneMillisecondIsAccepted() {
        TopicCatalogue catalogue = parse("{\"topics\":[{\"name\":\"a\",\"ttl\":\"PT0.001S\",\"producers\":[\"g\"]}]}");

        assertEquals(Optional.of(Duration.ofMillis(1)), catalogue.topic("a").map(Topic::ttl));
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "not json                                                                          | is not a JSON object   | not JSON",
            "[]                                                                                | is not a JSON object   | an array",
            "{}                                                                                | topics must be an array | missing topics",
            "{\"topics\":{}}                                                                   | topics must be an array | topics not an array",
            "{\"topics\":[]}                                                                   | lists no topics        | empty topics",
            "{\"topics\":[{\"name\":\"a\",\"ttl\":\"PT1H\",\"producers\":[\"g\"]}],\"extra\":1}  | unknown field extra    | unknown top-level field",
            "{\"topics\":[{\"name\":\"a\",\"ttl\":\"PT1H\",\"producers\":[\"g\"],\"colour\":1}]}  | unknown field topics[0].colour | unknown topic field",
            "{\"topics\":[\"orders\"]}                                                         | topics[0] must be an object | topic not an object",
            "{\"topics\":[{\"ttl\":\"PT1H\",\"producers\":[\"g\"]}]}                           | topics[0].name         | missing name",
            "{\"topics\":[{\"name\":\"or ders\",\"ttl\":\"PT1H\",\"producers\":[\"g\"]}]}      | topics[0].name 'or ders' | bad name",
            "{\"topics\":[{\"name\":\".hidden\",\"ttl\":\"PT1H\",\"producers\":[\"g\"]}]}      | topics[0].name '.hidden' | name starting with a dot",
            "{\"topics\":[{\"name\":7,\"ttl\":\"PT1H\",\"producers\":[\"g\"]}]}                | topics[0].name         | name not a string",
            "{\"topics\":[{\"name\":\"a\",\"producers\":[\"g\"]}]}                             | topics[0].ttl          | missing ttl",
            "{\"topics\":[{\"name\":\"a\",\"ttl\":\"1 hour\",\"producers\":[\"g\"]}]}          | topics[0].ttl '1 hour' | bad ttl",
            "{\"topics\":[{\"name\":\"a\",\"ttl\":3600,\"producers\":[\"g\"]}]}                | topics[0].ttl          | ttl as a number",
            "{\"topics\":[{\"name\":\"a\",\"ttl\":\"PT0S\",\"producers\":[\"g\"]}]}            | topics[0].ttl 'PT0S'   | zero ttl",
            "{\"topics\":[{\"name\":\"a\",\"ttl\":\"-PT1H\",\"producers\":[\"g\"]}]}           | topics[0].ttl '-PT1H'  | negative ttl",
            "{\"topics\":[{\"name\":\"a\",\"ttl\":\"PT0.0001S\",\"producers\":[\"g\"]}]}       | topics[0].ttl 'PT0.0001S' | sub-millisecond ttl",
            "{\"topics\":[{\"name\":\"a\",\"ttl\":\"PT1H\"}]}                                  | topics[0].producers must be an array | missing producers",
            "{\"topics\":[{\"name\":\"a\",\"ttl\":\"PT1H\",\"producers\":\"g\"}]}              | topics[0].producers must be an array | producers not an array",
            "{\"topics\":[{\"name\":\"a\",\"ttl\":\"PT1H\",\"producers\":[]}]}                 | topics[0].producers must name at least one group | empty producers",
            "{\"topics\":[{\"name\":\"a\",\"ttl\":\"PT1H\",\"producers\":[\"g\",7]}]}          | topics[0].producers must hold non-empty group names | non-string producer",
            "{\"topics\":[{\"name\":\"a\",\"ttl\":\"PT1H\",\"producers\":[\" \"]}]}            | topics[0].producers must hold non-empty group names | blank producer",
    })
    void invalidCatalogueIsRejectedNamingTheProblem(String json, String problem, String description) {
        InvalidCatalogueException invalid = assertThrows(InvalidCatalogueException.class, () -> parse(json));

        assertTrue(invalid.getMessage().contains(problem), invalid.getMessage());
        assertTrue(invalid.getMessage().contains(SOURCE), invalid.getMessage());
    }

    @Test
    void problemInALaterTopicNamesItsIndex() {
        InvalidCatalogueException invalid = assertThrows(InvalidCatalogueException.class, () -> parse("""
                { "topics": [
                  { "name": "orders", "ttl": "PT1H", "producers": ["orders-writer"] },
                  { "name": "clicks", "ttl": "soon", "producers": ["clicks-writer"] } ] }
                """));

        assertTrue(invalid.getMessage().contains("topics[1].ttl"), invalid.getMessage());
    }

    @Test
    void duplicateTopicNameIsRejectedNamingIt() {
        InvalidCatalogueException invalid = assertThrows(InvalidCatalogueException.class, () -> parse("""
                { "topics": [
                  { "name": "orders", "ttl": "PT1H",  "producers": ["orders-writer"] },
                  { "name": "orders", "ttl": "PT10M", "producers": ["clicks-writer"] } ] }
                """));

        assertTrue(invalid.getMessage().contains("topics[1].name 'orders' appears twice"), invalid.getMessage());
    }

    @Test
    void duplicateKeyIsRejectedNamingIt() {
        InvalidCatalogueException invalid = assertThrows(InvalidCatalogueException.class, () -> parse("""
                { "topics": [
                  { "name": "orders", "ttl": "PT1H", "ttl": "PT2H", "producers": ["orders-writer"] } ] }
                """));

        assertTrue(invalid.getMessage().contains("ttl"), invalid.getMessage());
        assertTrue(invalid.getMessage().contains("Duplicate"), invalid.getMessage());
    }

    @Test
    void duplicateTopLevelKeyIsRejected() {
        InvalidCatalogueException invalid = assertThrows(InvalidCatalogueException.class, () -> parse(
                "{\"topics\":[{\"name\":\"a\",\"ttl\":\"PT1H\",\"producers\":[\"g\"]}],\"topics\":[]}"));

        assertTrue(invalid.getMessage().contains("topics"), invalid.getMessage());
    }

    private static TopicCatalogue parse(String json) {
        return TopicCatalogue.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), SOURCE);
    }
}
