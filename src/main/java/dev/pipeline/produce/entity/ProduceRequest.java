package dev.pipeline.produce.entity;

import dev.pipeline.v1.Message;
import java.util.List;

/**
 * The messages of one request, in request order, as the producer sent them; {@code batch} tells
 * a JSON array or MessageBatch from a single message.
 */
public record ProduceRequest(BodyFormat format, boolean batch, List<Message> messages) {

    public ProduceRequest {
        messages = List.copyOf(messages);
    }
}
