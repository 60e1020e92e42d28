package dev.pipeline.produce.control;

import dev.pipeline.problem.InvalidRequestException;
import dev.pipeline.produce.entity.ProduceRequest;
import dev.pipeline.v1.Message;
import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
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
    public static final int ORDERING_KEY_CHARS = 256;
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(MessageValidator::newRandom);

    private MessageValidator() {
    }

    public static List<Message> validated(ProduceRequest request, Instant receivedAt) {
        List<Message> messages = request.messages();
        if (messages.isEmpty()) {
            throw new InvalidRequestException("batch is empty; send at least one message");
        }
        List<Message> completed = new ArrayList<>(messages.size());
        Set<String> givenIds = new HashSet<>();
        for (int i = 0; i < messages.size(); i++) {
            String at = request.batch() ? "[" + i + "]." : "";
            String id = messages.get(i).getMessageId();
            if (!id.isEmpty() && !givenIds.add(id)) {
                throw new InvalidRequestException("'" + at + "messageId' '" + id + "' appears more than once in the batch");
            }
            completed.add(completed(messages.get(i), at, receivedAt));
        }
        return completed;
    }

    private static Message completed(Message message, String at, Instant receivedAt) {
        if (message.getMessage().isEmpty()) {
            throw new InvalidRequestException("'" + at + "message' is required and must not be empty");
        }
        if (message.getMessageId().length() > MESSAGE_ID_CHARS) {
            throw new InvalidRequestException("'" + at + "messageId' is longer than " + MESSAGE_ID_CHARS + " characters");
        }
        if (message.getOrderingKey().length() > ORDERING_KEY_CHARS) {
            throw new InvalidRequestException("'" + at + "orderingKey' is longer than " + ORDERING_KEY_CHARS + " characters");
        }
        if (!message.getMessageId().isEmpty() && message.getSentTime() != 0) {
            return message;
        }
        Message.Builder filled = message.toBuilder();
        if (message.getMessageId().isEmpty()) {
            filled.setMessageId(randomUuid().toString());
        }
        if (message.getSentTime() == 0) {
            filled.setSentTime(receivedAt.toEpochMilli());
        }
        return filled.build();
    }

    /**
     * A version 4 UUID, as {@link UUID#randomUUID()} makes it, but from a generator of the calling
     * thread's own: {@code randomUUID()} shares one {@link SecureRandom} among all threads, whose
     * lock showed up in profiles under load.
     */
    static UUID randomUuid() {
        byte[] bytes = new byte[16];
        RANDOM.get().nextBytes(bytes);
        bytes[6] = (byte) ((bytes[6] & 0x0f) | 0x40);
        bytes[8] = (byte) ((bytes[8] & 0x3f) | 0x80);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new UUID(buffer.getLong(), buffer.getLong());
    }

    private static SecureRandom newRandom() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }
}
