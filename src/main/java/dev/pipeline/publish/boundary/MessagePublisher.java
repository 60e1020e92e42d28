package dev.pipeline.publish.boundary;

import dev.pipeline.produce.entity.BodyFormat;
import dev.pipeline.topics.entity.Topic;
import dev.pipeline.v1.Message;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Stores a request's messages on the topic's broker address. The stage completes with the
 * messageIds, in request order, once the broker has stored every message (one already stored
 * under its messageId counts as stored), or exceptionally with an
 * {@link dev.pipeline.problem.UnavailableException} saying when to retry. A single message may be
 * stored in one transaction with other requests' messages; a batch is one transaction of its own.
 */
public interface MessagePublisher {

    CompletionStage<List<String>> publish(Topic topic, BodyFormat format, List<Message> messages, String traceparent);
}
