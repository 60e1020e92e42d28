package dev.pipeline.produce.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipeline.problem.InvalidRequestException;
import dev.pipeline.problem.TopicNotFoundException;
import dev.pipeline.produce.entity.Producer;
import dev.pipeline.topics.control.TopicCatalogue;
import dev.pipeline.topics.entity.Topic;
import dev.pipeline.v1.Message;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProducerPolicyTest {

    private static final TopicCatalogue CATALOGUE = TopicCatalogue.parse(new ByteArrayInputStream("""
            { "topics": [
              { "name": "orders", "ttl": "PT1H",  "producers": ["orders-writer"] },
              { "name": "clicks", "ttl": "PT10M", "producers": ["clicks-writer", "orders-writer"] } ] }
            """.getBytes(StandardCharsets.UTF_8)), "test catalogue");

    private static final Producer ORDERS_SERVICE = new Producer("svc", Set.of("orders-writer"), Optional.empty());
    private static final Producer CLICKS_SERVICE = new Producer("svc", Set.of("clicks-writer"), Optional.empty());
    private static final Producer ACME_GATEWAY = new Producer("gw", Set.of("orders-writer"), Optional.of("ACME@AdobeOrg"));

    @Test
    void producerInOneOfTheTopicsGroupsGetsTheTopic() {
        Topic topic = ProducerPolicy.topic(CATALOGUE, "clicks", CLICKS_SERVICE);

        assertEquals("clicks", topic.name());
        assertEquals(Duration.ofMinutes(10), topic.ttl());
    }

    @Test
    void producerWithAnyOfSeveralGroupsGetsTheTopic() {
        Producer producer = new Producer("svc", Set.of("readers", "orders-writer"), Optional.empty());

        assertEquals("orders", ProducerPolicy.topic(CATALOGUE, "orders", producer).name());
    }

    @Test
    void producerOfAnotherGroupIsAnsweredWith404() {
        assertThrows(TopicNotFoundException.class, () -> ProducerPolicy.topic(CATALOGUE, "orders", CLICKS_SERVICE));
    }

    @Test
    void producerWithoutGroupsIsAnsweredWith404() {
        Producer producer = new Producer("svc", Set.of(), Optional.empty());

        assertThrows(TopicNotFoundException.class, () -> ProducerPolicy.topic(CATALOGUE, "orders", producer));
    }

    @Test
    void unknownTopicIsAnsweredWith404() {
        assertThrows(TopicNotFoundException.class, () -> ProducerPolicy.topic(CATALOGUE, "ghost", ORDERS_SERVICE));
    }

    @Test
    void forbiddenAndUnknownTopicsGetTheSameAnswer() {
        TopicNotFoundException forbidden = assertThrows(TopicNotFoundException.class, () -> ProducerPolicy.topic(CATALOGUE, "orders", CLICKS_SERVICE));
        TopicNotFoundException unknown = assertThrows(TopicNotFoundException.class, () -> ProducerPolicy.topic(CATALOGUE, "ghost", CLICKS_SERVICE));

        assertEquals(unknown.getMessage(), forbidden.getMessage());
    }

    @Test
    void gatewayTokenFillsAMissingImsOrg() {
        List<Message> stamped = ProducerPolicy.withImsOrg(List.of(text("a")), ACME_GATEWAY, false);

        assertEquals("ACME@AdobeOrg", stamped.get(0).getImsOrg());
        assertEquals("a", stamped.get(0).getMessage());
    }

    @Test
    void gatewayTokenAcceptsItsOwnImsOrg() {
        Message message = text("a").toBuilder().setImsOrg("ACME@AdobeOrg").build();

        assertEquals(List.of(message), ProducerPolicy.withImsOrg(List.of(message), ACME_GATEWAY, false));
    }

    @Test
    void gatewayTokenRejectsAnotherImsOrgWith400() {
        Message message = text("a").toBuilder().setImsOrg("OTHER@AdobeOrg").build();

        InvalidRequestException problem = assertThrows(InvalidRequestException.class,
                () -> ProducerPolicy.withImsOrg(List.of(message), ACME_GATEWAY, false));

        assertTrue(problem.getMessage().contains("'imsOrg'"), problem.getMessage());
        assertTrue(problem.getMessage().contains("OTHER@AdobeOrg"), problem.getMessage());
    }

    @Test
    void anotherImsOrgInABatchIsNamedWithItsIndex() {
        List<Message> messages = List.of(text("a"), text("b").toBuilder().setImsOrg("OTHER@AdobeOrg").build());

        InvalidRequestException problem = assertThrows(InvalidRequestException.class, () -> ProducerPolicy.withImsOrg(messages, ACME_GATEWAY, true));

        assertTrue(problem.getMessage().contains("'[1].imsOrg'"), problem.getMessage());
    }

    @Test
    void serviceTokenLeavesImsOrgAsGiven() {
        List<Message> messages = List.of(text("a").toBuilder().setImsOrg("ANY@AdobeOrg").build(), text("b"));

        assertEquals(messages, ProducerPolicy.withImsOrg(messages, ORDERS_SERVICE, true));
    }

    private static Message text(String message) {
        return Message.newBuilder().setMessage(message).build();
    }
}
