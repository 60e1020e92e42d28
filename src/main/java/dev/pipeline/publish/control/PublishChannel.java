package dev.pipeline.publish.control;

import dev.pipeline.publish.entity.Outgoing;
import dev.pipeline.topics.entity.Topic;
import java.util.List;

/** A session to the broker, used by one thread at a time; {@link PublishChannels} opens them. */
public interface PublishChannel {

    /**
     * Stores the messages, whole or not at all: returns once the broker has them on disk. Two or more
     * are one transaction, which a known messageId refuses ({@link SendFailure.Reason#DUPLICATE});
     * a message alone is a plain send, which the broker answers as stored for a known messageId.
     */
    void store(Topic topic, List<Outgoing> messages) throws SendFailure;

    /**
     * Whether the send under way waits for producer credits: the address is full and its policy is
     * BLOCK. Any thread may ask.
     */
    boolean waitingForCredits();

    /**
     * Ends the send under way from another thread (JMS lets any thread close a session): the send fails,
     * an open transaction is rolled back, and the channel is not used again. For a send that will never
     * end by itself, such as a transaction larger than a BLOCK address can ever take.
     */
    void abort();

    /** False once the connection under it is gone: such a channel is closed and replaced. */
    boolean usable();

    void close();
}
