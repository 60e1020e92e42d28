package dev.pipeline.produce.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipeline.problem.InvalidRequestException;
import dev.pipeline.produce.entity.BodyFormat;
import dev.pipeline.produce.entity.ProduceRequest;
import dev.pipeline.v1.Message;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class MessageValidatorTest {

    private static final Instant RECEIVED_AT = Instant.parse("2025-03-01T12:00:00.123Z");

    @Test
    void generatedMessageIdsAreDistinctVersion4Uuids() throws Exception {
        Set<UUID> ids = ConcurrentHashMap.newKeySet();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    ids.add(MessageValidator.randomUuid());
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }

        assertEquals(40_000, ids.size(), "no id twice, also across threads");
        assertTrue(ids.stream().allMatch(id -> id.version() == 4 && id.variant() == 2), "RFC 4122 version 4");
    }

    @Test
    void emptyBatchIsRejectedWith400() {
        InvalidRequestException problem = rejected(batch());

        assertTrue(problem.getMessage().contains("empty"), problem.getMessage());
    }

    @Test
    void missingMessageIsRejectedWith400NamingIt() {
        InvalidRequestException problem = rejected(single(Message.newBuilder().setMessageId("id-1").build()));

        assertTrue(problem.getMessage().contains("'message'"), problem.getMessage());
    }

    @Test
    void missingMessageInABatchIsNamedWithItsIndex() {
        InvalidRequestException problem = rejected(batch(text("a"), text("b"), Message.newBuilder().setSource("shop").build()));

        assertTrue(problem.getMessage().contains("'[2].message'"), problem.getMessage());
    }

    @Test
    void messageIdRepeatedWithinABatchIsRejectedWith400NamingIt() {
        InvalidRequestException problem = rejected(batch(text("a").toBuilder().setMessageId("same").build(), text("b"),
                text("c").toBuilder().setMessageId("same").build()));

        assertTrue(problem.getMessage().contains("'[2].messageId' 'same'"), problem.getMessage());
    }

    @Test
    void emptyMessageIsRejectedWith400() {
        InvalidRequestException problem = rejected(single(text("")));

        assertTrue(problem.getMessage().contains("'message'"), problem.getMessage());
    }

    @Test
    void messageIdOf256CharactersIsAccepted() {
        Message message = text("a").toBuilder().setMessageId("i".repeat(256)).build();

        List<Message> validated = MessageValidator.validated(single(message), RECEIVED_AT);

        assertEquals("i".repeat(256), validated.get(0).getMessageId());
    }

    @Test
    void messageIdOf257CharactersIsRejectedWith400NamingItAndTheLimit() {
        InvalidRequestException problem = rejected(batch(text("a"), text("b").toBuilder().setMessageId("i".repeat(257)).build()));

        assertTrue(problem.getMessage().contains("'[1].messageId'"), problem.getMessage());
        assertTrue(problem.getMessage().contains("256"), problem.getMessage());
    }

    @Test
    void orderingKeyOf256CharactersIsAccepted() {
        Message message = text("a").toBuilder().setOrderingKey("k".repeat(256)).build();

        List<Message> validated = MessageValidator.validated(single(message), RECEIVED_AT);

        assertEquals("k".repeat(256), validated.get(0).getOrderingKey());
    }

    @Test
    void orderingKeyOf257CharactersIsRejectedWith400NamingItAndTheLimit() {
        InvalidRequestException problem = rejected(batch(text("a"), text("b").toBuilder().setOrderingKey("k".repeat(257)).build()));

        assertTrue(problem.getMessage().contains("'[1].orderingKey'"), problem.getMessage());
        assertTrue(problem.getMessage().contains("256"), problem.getMessage());
    }

    @Test
    void missingMessageIdsAreFilledWithUniqueIds() {
        List<Message> validated = MessageValidator.validated(batch(text("a"), text("b")), RECEIVED_AT);

        assertFalse(validated.get(0).getMessageId().isEmpty());
        assertFalse(validated.get(1).getMessageId().isEmpty());
        assertNotEquals(validated.get(0).getMessageId(), validated.get(1).getMessageId());
    }

    @Test
    void missingSentTimeIsFilledWithTheReceiveTime() {
        List<Message> validated = MessageValidator.validated(single(text("a")), RECEIVED_AT);

        assertEquals(RECEIVED_AT.toEpochMilli(), validated.get(0).getSentTime());
    }

    @Test
    void givenMessageIdAndSentTimeAreKept() {
        Message message = text("a").toBuilder().setMessageId("id-7").setSentTime(1_600_000_000_000L).build();

        List<Message> validated = MessageValidator.validated(single(message), RECEIVED_AT);

        assertEquals(List.of(message), validated);
    }

    @Test
    void givenMessageIdIsKeptWhenOnlySentTimeIsFilled() {
        Message message = text("a").toBuilder().setMessageId("id-7").build();

        Message validated = MessageValidator.validated(single(message), RECEIVED_AT).get(0);

        assertEquals("id-7", validated.getMessageId());
        assertEquals(RECEIVED_AT.toEpochMilli(), validated.getSentTime());
    }

    @Test
    void batchKeepsItsOrder() {
        List<Message> validated = MessageValidator.validated(batch(text("a"), text("b"), text("c")), RECEIVED_AT);

        assertEquals(List.of("a", "b", "c"), validated.stream().map(Message::getMessage).toList());
    }

    private static Message text(String message) {
        return Message.newBuilder().setMessage(message).build();
    }

    private static ProduceRequest single(Message message) {
        return new ProduceRequest(BodyFormat.JSON, false, List.of(message));
    }

    private static ProduceRequest batch(Message... messages) {
        return new ProduceRequest(BodyFormat.PROTOBUF, true, List.of(messages));
    }

    private static InvalidRequestException rejected(ProduceRequest request) {
        InvalidRequestException problem = assertThrows(InvalidRequestException.class, () -> MessageValidator.validated(request, RECEIVED_AT));
        return problem;
    }
}
