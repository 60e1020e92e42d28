package dev.pipeline.publish.control;

import dev.pipeline.publish.entity.Envelope;
import dev.pipeline.topics.entity.Topic;
import java.util.List;

/** A transacted session to the broker, used by one thread at a time; {@link PublishChannels} opens them. */
public interface PublishChannel {

    /** Stores the messages in one transaction, whole or not at all: returns once the broker committed it. */
    void store(Topic topic, List<Envelope> messages) throws SendFailure;

    /** Makes ready for the topic ahead of the first {@link #store}: its checks answer that store instead. */
    void prepare(Topic topic);

    /** False once the connection under it is gone: such a channel is closed and replaced. */
    boolean usable();

    void close();
}
