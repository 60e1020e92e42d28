package dev.pipeline.publish.boundary;

import dev.pipeline.publish.entity.Outgoing;
import dev.pipeline.topics.entity.Topic;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Stores a request's messages on the topic's broker address. A request is first admitted: its bytes
 * count against the topic's and the service's bound of bytes not yet answered from the moment its
 * body is read, so that producers who keep retrying cannot fill the heap and a topic whose address
 * blocks holds only its own share. The stage completes with the messageIds, in request order, once
 * the broker has stored every message (one already stored under its messageId counts as stored),
 * or exceptionally with an {@link dev.pipeline.problem.UnavailableException} saying when to retry.
 * A single message may be stored in one transaction with other requests' messages; a batch is one
 * transaction of its own.
 */
public interface MessagePublisher {

    /** Starts counting a request's bytes; 503 at once when the service is stopping. */
    Admission admit(Topic topic);

    /** Takes over the admission: its bytes are given back once nothing of the request is in memory any more. */
    CompletionStage<List<String>> publish(Topic topic, Admission admission, List<Outgoing> messages);
}
