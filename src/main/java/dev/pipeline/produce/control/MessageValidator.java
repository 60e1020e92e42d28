package dev.pipeline.produce.control;

import dev.pipeline.problem.Problem;
import dev.pipeline.produce.entity.ProduceRequest;
import dev.pipeline.v1.Message;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The rules every message must meet, checked for the whole request before anything is sent,
 * and the fields the service fills in: a unique {@code messageId} and the receive time as
 * {@code sentTime} where the producer left them out.
 */
public final class MessageValidator {

    public static final int MESSAGE_ID_CHARS = 256;

    private MessageValidator() {
    }

    public static List<Message> validated(ProduceRequest request, Instant receivedAt) {
        List<Message> messages = request.messages();
        if (messages.isEmpty()) {
            throw Problem.badRequest("batch is empty; send at least one message");
        }
        List<Message> completed = new ArrayList<>(messages.size());
        Set<String> givenIds = new HashSet<>();
        for (int i = 0; i < messages.size(); i++) {
            String at = request.batch() ? "[" + i + "]." : "";
            String id = messages.get(i).getMessageId();
            if (!id.isEmpty() && !givenIds.add(id)) {
                throw Problem.badRequest("'" + at + "messageId' '" + id + "' appears more than once in the batch");
            }
            completed.add(completed(messages.get(i), at, receivedAt));
        }
        return completed;
    }

    private static Message completed(Message message, String at, Instant receivedAt) {
        if (message.getMessage().isEmpty()) {
            throw Problem.badRequest("'" + at + "message' is required and must not be empty");
        }
        if (message.getMessageId().length() > MESSAGE_ID_CHARS) {
            throw Problem.badRequest("'" + at + "messageId' is longer than " + MESSAGE_ID_CHARS + " characters");
        }
        if (!message.getMessageId().isEmpty() && message.getSentTime() != 0) {
            return message;
        }
        Message.Builder filled = message.toBuilder();
        if (message.getMessageId().isEmpty()) {
            filled.setMessageId(UUID.randomUUID().toString());
        }
        if (message.getSentTime() == 0) {
            filled.setSentTime(receivedAt.toEpochMilli());
        }
        return filled.build();
    }
}
