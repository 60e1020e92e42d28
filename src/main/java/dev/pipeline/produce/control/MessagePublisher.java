package dev.pipeline.produce.control;

import dev.pipeline.broker.control.BrokerConnection;
import dev.pipeline.broker.control.TopicBindings;
import dev.pipeline.problem.Problem;
import dev.pipeline.produce.entity.BodyFormat;
import dev.pipeline.topics.control.TopicCatalogue;
import dev.pipeline.topics.entity.Topic;
import dev.pipeline.v1.Message;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Publishes the messages of a request to their JMS topic and answers only once the broker has
 * stored them, without holding an HTTP thread meanwhile. A single message goes to one of its
 * topic's {@link SendLane}s and is confirmed asynchronously; a batch is one transaction, committed
 * on one of {@code pipeline.broker.sessions} transacted sessions. A retry of a stored messageId is
 * dropped by the broker's duplicate detection and still counts as published.
 */
@ApplicationScoped
public class MessagePublisher {

    static final int RETRY_AFTER_SECONDS = 2;
    private static final Logger LOG = Logger.getLogger(MessagePublisher.class.getName());
    /** The longest a request waits for the broker, connecting included. */
    private static final long CONFIRM_WAIT_MILLIS = 2_000;
    private static final int LANES_PER_TOPIC = 2;
    /** Requests that may wait for one lane or batch session; more are refused with 503 at once. */
    private static final int QUEUE_PER_THREAD = 512;

    @Inject
    BrokerConnection broker;

    @Inject
    TopicCatalogue catalogue;

    @Inject
    @ConfigProperty(name = "pipeline.broker.sessions", defaultValue = "16")
    int sessions;

    private final InFlightIds inFlight = new InFlightIds();
    private final Map<String, SendLane[]> lanes = new ConcurrentHashMap<>();
    private final AtomicInteger nextLane = new AtomicInteger();
    private final Deque<PublishChannel> idle = new ConcurrentLinkedDeque<>();
    /** Commits batches: a commit waits for the broker, so as many threads as transacted sessions. */
    private ThreadPoolExecutor batchSender;
    /** Completes requests, so that neither the broker client's threads nor the timer write HTTP responses. */
    private ExecutorService responder;
    private ScheduledThreadPoolExecutor timer;
    private volatile boolean stopping;

    @PostConstruct
    void init() {
        batchSender = new ThreadPoolExecutor(sessions, sessions, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(sessions * QUEUE_PER_THREAD), daemons("pipeline-batch-"));
        responder = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                daemons("pipeline-respond-"));
        timer = new ScheduledThreadPoolExecutor(1, daemons("pipeline-deadline-"));
        timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * Opens every catalogue topic's lanes as the application starts, so that the first requests do
     * not pay for sessions, producers and subscription checks (nor for loading their classes).
     */
    void prepareWithApplication(@Observes @Initialized(ApplicationScoped.class) Object application) {
        for (Topic topic : catalogue.all()) {
            for (SendLane lane : lanes(topic)) {
                lane.prepare(topic);
            }
        }
    }

    @PreDestroy
    void close() {
        stopping = true;
        lanes.values().forEach(topicLanes -> List.of(topicLanes).forEach(SendLane::close));
        batchSender.shutdown();
        timer.shutdown();
        responder.shutdown();
        for (PublishChannel channel = idle.poll(); channel != null; channel = idle.poll()) {
            channel.close();
        }
    }

    /**
     * Completes once the broker stored every message, or exceptionally with a {@link Problem}
     * (503) once it refused them, failed, or did not confirm within {@link #CONFIRM_WAIT_MILLIS}.
     */
    public CompletionStage<Void> publish(Topic topic, BodyFormat format, List<Message> messages, String traceparent) {
        if (stopping) {
            return CompletableFuture.failedFuture(stopping());
        }
        InFlightIds.Claim claim;
        try {
            claim = inFlight.claim(topic.name(), messages.stream().map(Message::getMessageId).toList(), CONFIRM_WAIT_MILLIS);
        } catch (TimeoutException e) {
            return CompletableFuture.failedFuture(
                    Problem.unavailable("another request is still publishing one of these messageIds", RETRY_AFTER_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(stopping());
        }
        Publication publication = new Publication(claim, responder);
        publication.answerLateWith(MessagePublisher::notConfirmedInTime, CONFIRM_WAIT_MILLIS, timer);
        if (messages.size() == 1) {
            lane(topic).submit(topic, format, messages.get(0), traceparent, publication);
        } else {
            submitBatch(topic, format, messages, traceparent, publication);
        }
        return publication.answer();
    }

    private SendLane lane(Topic topic) {
        SendLane[] topicLanes = lanes(topic);
        return topicLanes[Math.floorMod(nextLane.getAndIncrement(), topicLanes.length)];
    }

    private SendLane[] lanes(Topic topic) {
        return lanes.computeIfAbsent(topic.name(), name -> {
            SendLane[] created = new SendLane[LANES_PER_TOPIC];
            for (int i = 0; i < created.length; i++) {
                created[i] = new SendLane("pipeline-send-" + name + "-" + (i + 1), broker, QUEUE_PER_THREAD);
            }
            return created;
        });
    }

    private void submitBatch(Topic topic, BodyFormat format, List<Message> messages, String traceparent, Publication publication) {
        try {
            batchSender.execute(() -> publishBatch(topic, format, messages, traceparent, publication));
        } catch (RejectedExecutionException e) {
            publication.failed(stopping ? stopping()
                    : Problem.unavailable("too many batches are waiting for the broker", RETRY_AFTER_SECONDS));
        }
    }

    /** On a batch thread: one transaction, answered once the commit returned or failed. */
    private void publishBatch(Topic topic, BodyFormat format, List<Message> messages, String traceparent,
            Publication publication) {
        if (!publication.begin()) {
            return;
        }
        try {
            publishOn(borrow(), topic, format, messages, traceparent);
            publication.stored();
        } catch (Problem problem) {
            publication.failed(problem);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Publishing a batch to " + topic.name() + " failed", e);
            publication.failed(notStored());
        }
    }

    private static Problem notConfirmedInTime() {
        return Problem.unavailable("the broker did not confirm the message(s) in time; retrying with the same "
                + "messageIds is safe", RETRY_AFTER_SECONDS);
    }

    private void publishOn(PublishChannel channel, Topic topic, BodyFormat format, List<Message> messages, String traceparent) {
        boolean reusable = false;
        try {
            sendAndCommit(channel, topic, format, messages, traceparent);
            reusable = true;
        } catch (PublishChannel.NoSubscriptionException e) {
            reusable = true;
            throw noSubscription(e);
        } catch (JMSException e) {
            boolean full = TopicBindings.isAddressFull(e);
            if (!full) {
                broker.discard(channel.connection, e.toString());
            }
            LOG.warning(() -> "Publishing " + messages.size() + " message(s) to " + topic.name() + " failed: " + e);
            throw full ? addressFull(topic) : notStored();
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

    static Problem stopping() {
        return Problem.unavailable("the service is stopping", RETRY_AFTER_SECONDS);
    }

    static Problem notStored() {
        return Problem.unavailable("the broker did not store the message(s); retrying with the same messageIds is safe",
                RETRY_AFTER_SECONDS);
    }

    static Problem addressFull(Topic topic) {
        return Problem.unavailable("the broker's address for topic '" + topic.name() + "' is full; retrying later is safe",
                RETRY_AFTER_SECONDS);
    }

    static Problem noSubscription(PublishChannel.NoSubscriptionException e) {
        LOG.warning(() -> e.getMessage() + "; answering 503 rather than let the broker drop messages");
        return Problem.unavailable(e.getMessage() + ", so messages sent now would be lost; an operator must create one",
                RETRY_AFTER_SECONDS);
    }

    /** An idle transacted session of the current connection, or a new one: connecting happens here, on a batch thread. */
    private PublishChannel borrow() {
        try {
            PublishChannel channel = idle.poll();
            while (channel != null && !broker.isCurrent(channel.connection)) {
                channel.close();
                channel = idle.poll();
            }
            return channel != null ? channel : PublishChannel.openTransacted(broker.transactedConnection());
        } catch (JMSException e) {
            LOG.warning(() -> "Opening a broker session failed: " + e);
            throw Problem.unavailable("the broker is not reachable", RETRY_AFTER_SECONDS);
        }
    }

    private void giveBack(PublishChannel channel, boolean reusable) {
        if (reusable && broker.isCurrent(channel.connection)) {
            idle.push(channel);
        } else {
            channel.close();
        }
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
