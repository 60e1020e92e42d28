package dev.pipeline.publish.control;

import dev.pipeline.produce.entity.BodyFormat;
import dev.pipeline.publish.boundary.MessagePublisher;
import dev.pipeline.publish.entity.Envelope;
import dev.pipeline.topics.control.TopicCatalogue;
import dev.pipeline.topics.entity.Topic;
import dev.pipeline.v1.Message;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * Publishing without holding an HTTP thread: single messages wait in their topic's queue for one of
 * its send lanes, which stores whatever arrived meanwhile in one transaction; a batch waits for one
 * of {@code pipeline.broker.sessions} batch lanes and is a transaction of its own. A request is
 * answered by its transaction's outcome. One that no lane has taken within {@link #DEADLINE_MILLIS}
 * is withdrawn and answered 503; one the broker has waits for the broker's answer, which the client's
 * {@code callTimeout} bounds, so that a 503 does not leave a send of its ids in flight. Past
 * {@link #ANSWER_MILLIS} every request is answered, 503 if need be.
 *
 * <p>Threads, all named {@code pipeline-*} and ended by {@link #close}: send lanes
 * {@code pipeline-send-<topic>-<n>}, batch lanes {@code pipeline-batch-<n>}, the responders that
 * complete requests {@code pipeline-respond-<n>} and the deadline timer {@code pipeline-deadline-1}.
 */
@ApplicationScoped
public class BrokerPublisher implements MessagePublisher {

    /** The longest a request waits to be handed to the broker, connecting included. */
    static final long DEADLINE_MILLIS = 2_000;
    /**
     * The longest a request waits for an answer at all: the hand-over deadline plus the broker's answer
     * within the client's callTimeout or callFailoverTimeout (2 s each), twice for a failover resend.
     */
    static final long ANSWER_MILLIS = 8_000;
    static final int LANES_PER_TOPIC = 2;
    /** Requests that may wait for one lane; more are refused with 503 at once. */
    static final int QUEUE_PER_LANE = 512;
    /** The most single messages in one transaction, and the size at which a group stops growing. */
    static final int GROUP_LIMIT = 64;
    static final int GROUP_BYTES = 1 << 20;

    @Inject
    PublishChannels channels;

    @Inject
    TopicCatalogue catalogue;

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry registry;

    @Inject
    @ConfigProperty(name = "pipeline.broker.sessions", defaultValue = "16")
    int sessions;

    private final InFlightIds inFlight = new InFlightIds();
    private final Map<String, SendLanes> topicLanes = new ConcurrentHashMap<>();
    private SendLanes batchLanes;
    private SendCounts counts;
    private Executor responder;
    private Deadlines deadlines;
    private long deadlineMillis;
    private long answerMillis;
    private Runnable stopExecutors = () -> { };
    private volatile boolean stopping;

    @PostConstruct
    void start() {
        ExecutorService responders = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                named("pipeline-respond-"));
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, named("pipeline-deadline-"));
        timer.setRemoveOnCancelPolicy(true);
        start(channels, sessions, responders,
                (millis, task) -> {
                    var scheduled = timer.schedule(task, millis, TimeUnit.MILLISECONDS);
                    return () -> scheduled.cancel(false);
                },
                DEADLINE_MILLIS, ANSWER_MILLIS, new SendMetrics(registry));
        stopExecutors = () -> {
            timer.shutdown();
            responders.shutdown();
        };
    }

    /** Everything but the container's part, so that tests can run publishing on a fake channel. */
    void start(PublishChannels channels, int sessions, Executor responder, Deadlines deadlines, long deadlineMillis,
            long answerMillis, SendCounts counts) {
        this.channels = channels;
        this.counts = counts;
        this.responder = responder;
        this.deadlines = deadlines;
        this.deadlineMillis = deadlineMillis;
        this.answerMillis = answerMillis;
        this.batchLanes = new SendLanes("batches", sessions * QUEUE_PER_LANE, sessions, n -> "pipeline-batch-" + n,
                queue -> new SendLane(queue, channels, 1, 0, null, counts)).start();
    }

    /** Opens every catalogue topic's lanes as the application starts, so that the first requests do not pay for it. */
    void openLanesWithApplication(@Observes @Initialized(ApplicationScoped.class) Object application) {
        catalogue.all().forEach(this::lanes);
    }

    @PreDestroy
    void close() {
        stopping = true;
        topicLanes.values().forEach(SendLanes::close);
        batchLanes.close();
        stopExecutors.run();
    }

    @Override
    public CompletionStage<List<String>> publish(Topic topic, BodyFormat format, List<Message> messages, String traceparent) {
        if (stopping) {
            return CompletableFuture.failedFuture(NotStored.stopping());
        }
        List<String> ids = messages.stream().map(Message::getMessageId).toList();
        List<Envelope> envelopes = messages.stream().map(message -> new Envelope(message, format, traceparent)).toList();
        Publication publication = new Publication(ids, responder);
        publication.answerInTime(deadlineMillis, answerMillis, deadlines);
        SendLanes lanes = messages.size() == 1 ? lanes(topic) : batchLanes;
        inFlight.claim(topic.name(), ids).thenAccept(claim -> {
            if (publication.hold(claim)) {
                lanes.submit(new Pending(topic, envelopes, publication));
            }
        });
        return publication.answer();
    }

    /** MessageIds claimed right now, for tests. */
    int idsInFlight() {
        return inFlight.size();
    }

    private SendLanes lanes(Topic topic) {
        SendLanes lanes = topicLanes.computeIfAbsent(topic.name(), name -> new SendLanes("messages to " + name,
                LANES_PER_TOPIC * QUEUE_PER_LANE, LANES_PER_TOPIC, n -> "pipeline-send-" + name + "-" + n,
                queue -> new SendLane(queue, channels, GROUP_LIMIT, GROUP_BYTES, topic, counts)).start());
        if (stopping) {
            lanes.close();
        }
        return lanes;
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
