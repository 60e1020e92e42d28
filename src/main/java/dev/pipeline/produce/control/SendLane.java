package dev.pipeline.produce.control;

import dev.pipeline.broker.control.BrokerConnection;
import dev.pipeline.broker.control.TopicBindings;
import dev.pipeline.problem.Problem;
import dev.pipeline.produce.entity.BodyFormat;
import dev.pipeline.topics.entity.Topic;
import dev.pipeline.v1.Message;
import jakarta.jms.JMSException;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.apache.activemq.artemis.api.core.ActiveMQAddressFullException;
import org.apache.activemq.artemis.api.core.client.SendAcknowledgementHandler;

/**
 * Sends single messages of one topic, one after another on a thread and session of its own,
 * without waiting for the broker: many requests' messages are on their way at once, and each is
 * answered when the broker confirms it stored. A topic whose address blocks producers (policy
 * BLOCK) holds only its own lanes.
 */
final class SendLane {

    private static final Logger LOG = Logger.getLogger(SendLane.class.getName());

    private final BrokerConnection broker;
    private final ThreadPoolExecutor thread;
    /** Sent and not yet confirmed: failed at once when the connection under them fails. */
    private final Set<Publication> unconfirmed = ConcurrentHashMap.newKeySet();
    /** Used on the lane's thread only. */
    private PublishChannel channel;

    SendLane(String name, BrokerConnection broker, int queueCapacity) {
        this.broker = broker;
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queueCapacity), task -> {
            Thread lane = new Thread(task, name);
            lane.setDaemon(true);
            return lane;
        });
    }

    void submit(Topic topic, BodyFormat format, Message message, String traceparent, Publication publication) {
        try {
            thread.execute(new SendTask(publication, () -> send(topic, format, message, traceparent, publication)));
        } catch (RejectedExecutionException e) {
            publication.failed(thread.isShutdown()
                    ? MessagePublisher.stopping()
                    : Problem.unavailable("too many messages to " + topic.name() + " are waiting for the broker",
                            MessagePublisher.RETRY_AFTER_SECONDS));
        }
    }

    /** Opens the lane's session and checks the topic's subscription ahead of the first send; failures wait for that send. */
    void prepare(Topic topic) {
        try {
            thread.execute(() -> {
                try {
                    channel().prepare(topic);
                } catch (JMSException e) {
                    LOG.fine(() -> "Preparing a lane for " + topic.name() + " failed: " + e);
                }
            });
        } catch (RejectedExecutionException stopping) {
            // Nothing to prepare for.
        }
    }

    private void send(Topic topic, BodyFormat format, Message message, String traceparent, Publication publication) {
        if (!publication.begin()) {
            return;
        }
        try {
            PublishChannel current = channel();
            unconfirmed.add(publication);
            current.send(topic, format, message, traceparent, new SendAcknowledgementHandler() {
                @Override
                public void sendAcknowledged(org.apache.activemq.artemis.api.core.Message sent) {
                    if (unconfirmed.remove(publication)) {
                        publication.stored();
                    }
                }

                @Override
                public void sendFailed(org.apache.activemq.artemis.api.core.Message refused, Exception failure) {
                    if (unconfirmed.remove(publication)) {
                        LOG.warning(() -> "The broker refused a message to " + topic.name() + ": " + failure);
                        publication.failed(failure instanceof ActiveMQAddressFullException
                                ? MessagePublisher.addressFull(topic)
                                : MessagePublisher.notStored());
                    }
                }
            });
        } catch (PublishChannel.NoSubscriptionException e) {
            unconfirmed.remove(publication);
            publication.failed(MessagePublisher.noSubscription(e));
        } catch (JMSException e) {
            unconfirmed.remove(publication);
            if (!TopicBindings.isAddressFull(e)) {
                dropChannel(e.toString());
            }
            LOG.warning(() -> "Sending a message to " + topic.name() + " failed: " + e);
            publication.failed(MessagePublisher.notStored());
        }
    }

    /** The channel of the current connection, opened (and the broker connected) when there is none. */
    private PublishChannel channel() throws JMSException {
        if (channel != null && broker.isCurrent(channel.connection)) {
            return channel;
        }
        if (channel != null) {
            failUnconfirmed();
            channel.close();
            channel = null;
        }
        PublishChannel opened = PublishChannel.openAutoCommit(broker.connection());
        opened.onConnectionFailure(this::failUnconfirmed);
        channel = opened;
        return opened;
    }

    private void dropChannel(String reason) {
        if (channel != null) {
            broker.discard(channel.connection, reason);
            failUnconfirmed();
            channel.close();
            channel = null;
        }
    }

    /** The broker will not confirm what it has not confirmed yet: a retry with the same messageIds is safe. */
    private void failUnconfirmed() {
        for (Publication publication : unconfirmed) {
            if (unconfirmed.remove(publication)) {
                publication.failed(MessagePublisher.notStored());
            }
        }
    }

    /** A queued send, to be answered if the lane stops before it runs. */
    private record SendTask(Publication publication, Runnable send) implements Runnable {
        @Override
        public void run() {
            send.run();
        }
    }

    void close() {
        for (Runnable queued : thread.shutdownNow()) {
            ((SendTask) queued).publication().failed(MessagePublisher.stopping());
        }
        failUnconfirmed();
        PublishChannel current = channel;
        if (current != null) {
            current.close();
        }
    }
}
