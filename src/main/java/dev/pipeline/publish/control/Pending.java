package dev.pipeline.publish.control;

import dev.pipeline.publish.entity.Envelope;
import dev.pipeline.topics.entity.Topic;
import java.util.List;

/** A request's messages waiting for a send lane. */
record Pending(Topic topic, List<Envelope> messages, Publication publication) {

    int bytes() {
        return messages.stream().mapToInt(envelope -> envelope.message().getSerializedSize()).sum();
    }
}
