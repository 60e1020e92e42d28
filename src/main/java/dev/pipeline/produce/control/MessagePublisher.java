package dev.pipeline.produce.control;

import dev.pipeline.broker.control.BrokerConnection;
import dev.pipeline.broker.control.TopicBindings;
import dev.pipeline.problem.Problem;
import dev.pipeline.produce.entity.BodyFormat;
import dev.pipeline.topics.entity.Topic;
import dev.pipeline.v1.Message;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Publishes the messages of a request to their JMS topic and returns only once the broker has
 * stored them. Sessions are pooled: at most {@code pipeline.broker.sessions} requests publish at
 * once, each on a session of its own. A retry of a stored messageId is dropped by the broker's
 * duplicate detection and still counts as published.
 */
@ApplicationScoped
public class MessagePublisher {

    static final int RETRY_AFTER_SECONDS = 2;
    private static final Logger LOG = Logger.getLogger(MessagePublisher.class.getName());
    private static final long SESSION_WAIT_MILLIS = 2_000;
    /** The longest a request waits for the broker, connecting included. */
    private static final long CONFIRM_WAIT_MILLIS = 2_000;

    @Inject
    BrokerConnection broker;

    @Inject
    @ConfigProperty(name = "pipeline.broker.sessions", defaultValue = "16")
    int sessions;

    private final Deque<PublishChannel> idle = new ConcurrentLinkedDeque<>();
    private final InFlightIds inFlight = new InFlightIds();
    private Semaphore permits;
    /** Sends on borrowed sessions; as many threads as sessions, since a send holds one. */
    private ExecutorService sender;
    private volatile boolean stopping;

    @PostConstruct
    void init() {
        permits = new Semaphore(sessions);
        AtomicInteger threads = new AtomicInteger();
        sender = Executors.newFixedThreadPool(sessions, task -> {
            Thread thread = new Thread(task, "pipeline-publish-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @PreDestroy
    void close() {
        stopping = true;
        sender.shutdown();
        for (PublishChannel channel = idle.poll(); channel != null; channel = idle.poll()) {
            channel.close();
        }
    }

    public void publish(Topic topic, BodyFormat format, List<Message> messages, String traceparent) {
        if (stopping) {
            throw stopping();
        }
        List<String> ids = messages.stream().map(Message::getMessageId).toList();
        InFlightIds.Claim claim;
        try {
            claim = inFlight.claim(topic.name(), ids, SESSION_WAIT_MILLIS);
        } catch (TimeoutException e) {
            throw Problem.unavailable("another request is still publishing one of these messageIds", RETRY_AFTER_SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw stopping();
        }
        Future<?> sending;
        boolean sessionAcquired = false;
        boolean submitted = false;
        try {
            acquireSession();
            sessionAcquired = true;
            sending = sender.submit(() -> {
                try {
                    publishOn(borrow(), topic, format, messages, traceparent);
                } finally {
                    claim.close();
                }
            });
            submitted = true;
        } finally {
            if (!submitted) {
                if (sessionAcquired) {
                    permits.release();
                }
                claim.close();
            }
        }
        awaitStored(sending, topic, messages.size());
    }

    /**
     * Waits for the broker's confirmation, but not forever: a broker that is frozen, slow to
     * connect, or blocking producers (a full address with policy BLOCK) would otherwise hold the
     * request. The send goes on after a 503 and keeps its messageIds claimed, so a retry cannot
     * race it.
     */
    private static void awaitStored(Future<?> sending, Topic topic, int count) {
        try {
            sending.get(CONFIRM_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warning(() -> "The broker did not confirm " + count + " message(s) to " + topic.name() + " within "
                    + CONFIRM_WAIT_MILLIS + " ms");
            throw Problem.unavailable("the broker did not confirm the message(s) in time; retrying with the same "
                    + "messageIds is safe", RETRY_AFTER_SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException("publishing failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw stopping();
        }
    }

    private void publishOn(PublishChannel channel, Topic topic, BodyFormat format, List<Message> messages, String traceparent) {
        boolean reusable = false;
        try {
            sendAndCommit(channel, topic, format, messages, traceparent);
            reusable = true;
        } catch (PublishChannel.NoSubscriptionException e) {
            reusable = true;
            LOG.warning(() -> e.getMessage() + "; answering 503 rather than let the broker drop messages");
            throw Problem.unavailable(e.getMessage() + ", so messages sent now would be lost; an operator must create one",
                    RETRY_AFTER_SECONDS);
        } catch (JMSException e) {
            if (!TopicBindings.isAddressFull(e)) {
                broker.discard(channel.connection, e.toString());
            }
            LOG.warning(() -> "Publishing " + messages.size() + " message(s) to " + topic.name() + " failed: " + e);
            throw Problem.unavailable("the broker did not store the message(s); retrying with the same messageIds is safe",
                    RETRY_AFTER_SECONDS);
        } finally {
            giveBack(channel, reusable);
        }
    }

    /**
     * A transaction holding an already-stored messageId is rolled back whole by the broker (the
     * commit fails with "Duplicate message detected"); the messages are then sent one transaction
     * each, so that only the new ones are stored.
     */
    private static void sendAndCommit(PublishChannel channel, Topic topic, BodyFormat format, List<Message> messages,
            String traceparent) throws JMSException, PublishChannel.NoSubscriptionException {
        try {
            channel.sendAndCommit(topic, format, messages, traceparent);
        } catch (JMSException e) {
            if (!isDuplicate(e)) {
                throw e;
            }
            if (messages.size() > 1) {
                for (Message message : messages) {
                    sendAndCommit(channel, topic, format, List.of(message), traceparent);
                }
            }
        }
    }

    static boolean isDuplicate(JMSException rollback) {
        for (Throwable cause = rollback; cause != null; cause = cause.getCause()) {
            if (cause instanceof ActiveMQDuplicateIdException
                    || (cause.getMessage() != null && cause.getMessage().contains("Duplicate message detected"))) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    private static Problem stopping() {
        return Problem.unavailable("the service is stopping", RETRY_AFTER_SECONDS);
    }

    /** A permit to use one of the sessions; given back by {@link #giveBack} or a failed {@link #borrow}. */
    private void acquireSession() {
        try {
            if (!permits.tryAcquire(SESSION_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw Problem.unavailable("all " + sessions + " broker sessions are busy", RETRY_AFTER_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw stopping();
        }
    }

    /** An idle session of the current connection, or a new one: connecting happens here, on a send thread. */
    private PublishChannel borrow() {
        boolean borrowed = false;
        try {
            PublishChannel channel = idle.poll();
            while (channel != null && !broker.isCurrent(channel.connection)) {
                channel.close();
                channel = idle.poll();
            }
            if (channel == null) {
                channel = PublishChannel.open(broker.connection());
            }
            borrowed = true;
            return channel;
        } catch (JMSException e) {
            LOG.warning(() -> "Opening a broker session failed: " + e);
            throw Problem.unavailable("the broker is not reachable", RETRY_AFTER_SECONDS);
        } finally {
            if (!borrowed) {
                permits.release();
            }
        }
    }

    private void giveBack(PublishChannel channel, boolean reusable) {
        if (reusable && broker.isCurrent(channel.connection)) {
            idle.push(channel);
        } else {
            channel.close();
        }
        permits.release();
    }
}
