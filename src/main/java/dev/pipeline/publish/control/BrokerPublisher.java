package dev.pipeline.publish.control;

import dev.pipeline.publish.boundary.Admission;
import dev.pipeline.publish.boundary.MessagePublisher;
import dev.pipeline.publish.entity.Outgoing;
import dev.pipeline.topics.entity.Topic;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * Publishing without holding an HTTP thread, within a bound of memory, with no topic able to slow
 * another. A request is admitted by its bytes ({@link PendingBytes}), then belongs to its topic's
 * {@link TopicQueue} until it is over; {@link Senders}, a fixed pool for all topics, store what the
 * queues hold. A request no sender took within {@link #DEADLINE_MILLIS} is withdrawn (503, never
 * sent); one the broker has is answered by the broker's outcome, or 503 past {@link #ANSWER_MILLIS}
 * (an address that blocks holds a send for as long as it is full). One expiry thread checks every
 * queue's deadlines; there is no timer per request.
 *
 * <p>Threads, all named {@code pipeline-*} and ended by {@link #close}: senders {@code pipeline-send-<n>},
 * the responders that complete requests {@code pipeline-respond-<n>}, and {@code pipeline-expire-1}.
 */
@ApplicationScoped
public class BrokerPublisher implements MessagePublisher {

    private static final Logger LOG = Logger.getLogger(BrokerPublisher.class.getName());
    /** The longest a request waits to be handed to the broker, connecting included. */
    static final long DEADLINE_MILLIS = 2_000;
    /**
     * The longest a request waits for an answer at all: the hand-over deadline plus the broker's answer
     * within the client's callTimeout or callFailoverTimeout (2 s each), twice for a failover resend.
     */
    static final long ANSWER_MILLIS = 8_000;
    static final long EXPIRY_PERIOD_MILLIS = 50;
    /**
     * The longest a send may wait for producer credits without a break before it is ended: an address
     * full under BLOCK whose consumers have not made room for that long answers 503, like one under FAIL.
     */
    static final long CREDIT_WAIT_MILLIS = 1_000;
    /** The longest stopping waits for the senders' sends in hand, all together. */
    static final long STOP_WAIT_MILLIS = 5_000;
    /** The most single messages in one transaction, and the size at which a group stops growing. */
    static final int GROUP_LIMIT = 64;
    static final int GROUP_BYTES = 1 << 20;

    private static final Metadata PENDING_BYTES = Metadata.builder().withName("pipeline_publish_pending_bytes")
            .withDescription("Bytes of produce requests not yet answered or still being sent, against "
                    + "pipeline.publish.max-pending-bytes").build();

    @Inject
    PublishChannels channels;

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry registry;

    @Inject
    @ConfigProperty(name = "pipeline.broker.sessions", defaultValue = "32")
    int sessions;

    @Inject
    @ConfigProperty(name = "pipeline.broker.sessions-per-topic", defaultValue = "16")
    int sessionsPerTopic;

    @Inject
    @ConfigProperty(name = "pipeline.publish.max-pending-bytes")
    Optional<Long> maxPendingBytes;

    @Inject
    @ConfigProperty(name = "pipeline.publish.max-pending-bytes-per-topic")
    Optional<Long> maxPendingBytesPerTopic;

    private final Map<String, TopicQueue> queues = new ConcurrentHashMap<>();
    private PendingBytes pending;
    private Senders senders;
    private int senderLimit;
    private Executor responder;
    private LongSupplier clock;
    private Runnable stopExecutors = () -> { };
    private volatile boolean stopping;

    @PostConstruct
    void start() {
        ExecutorService responders = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                named("pipeline-respond-"));
        long limit = maxPendingBytes.orElseGet(BrokerPublisher::defaultPendingBytes);
        PendingBytes bytes = new PendingBytes(limit, maxPendingBytesPerTopic.orElse(limit / 4));
        start(channels, sessions, sessionsPerTopic, bytes, responders, System::nanoTime, new SendMetrics(registry));
        registry.gauge(PENDING_BYTES, bytes, PendingBytes::total);
        ScheduledExecutorService expiry = Executors.newSingleThreadScheduledExecutor(named("pipeline-expire-"));
        expiry.scheduleWithFixedDelay(this::expireSafely, EXPIRY_PERIOD_MILLIS, EXPIRY_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        stopExecutors = () -> {
            expiry.shutdown();
            responders.shutdown();
        };
        LOG.info(() -> "Publishing with " + sessions + " broker sessions (at most " + senderLimit + " per topic), "
                + limit / (1 << 20) + " MiB of requests pending in all, " + bytes.topicLimit() / (1 << 20) + " MiB per topic");
    }

    /** A quarter of the heap for requests not yet answered, and a quarter of that for one topic. */
    static long defaultPendingBytes() {
        return Runtime.getRuntime().maxMemory() / 4;
    }

    /** Everything but the container's part, so that tests can publish to a fake broker on their own clock. */
    void start(PublishChannels channels, int sessions, int sessionsPerTopic, PendingBytes pending, Executor responder,
            LongSupplier clock, SendCounts counts) {
        this.channels = channels;
        this.pending = pending;
        this.responder = responder;
        this.clock = clock;
        this.senderLimit = Math.max(1, Math.min(sessionsPerTopic, sessions));
        long resendWithin = TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
        BlockingQueue<TopicQueue> ready = new LinkedBlockingQueue<>();
        this.senders = new Senders(ready, sessions, n -> new Sender(ready, channels, counts, GROUP_LIMIT, GROUP_BYTES,
                resendWithin, clock)).start();
    }

    /** Starts with the application, so that its senders and the pending-bytes gauge are there before the first request. */
    void startWithApplication(@Observes @Initialized(ApplicationScoped.class) Object application) {
        LOG.fine("Publishing started");
    }

    /** Stops before any application-scoped bean is destroyed, the broker connection included. */
    void closeFirst(@Observes(notifyObserver = Reception.IF_EXISTS) @BeforeDestroyed(ApplicationScoped.class) Object application) {
        close();
    }

    /** Takes no more requests, answers what no sender has, lets each sender end its send in hand. */
    @PreDestroy
    synchronized void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        queues.values().forEach(TopicQueue::close);
        senders.close(STOP_WAIT_MILLIS);
        expire();
        stopExecutors.run();
    }

    @Override
    public Admission admit(Topic topic) {
        if (stopping) {
            throw NotStored.stopping();
        }
        return pending.admit(topic.name());
    }

    @Override
    public CompletionStage<List<String>> publish(Topic topic, Admission admission, List<Outgoing> messages) {
        Publication publication = new Publication(topic, messages, admission, clock.getAsLong());
        if (stopping) {
            admission.close();
            return CompletableFuture.failedFuture(NotStored.stopping());
        }
        queue(topic.name()).submit(publication);
        return publication.answer();
    }

    /**
     * Withdraws and answers what is past its deadlines, and ends sends that wait for producer credits
     * past {@link #CREDIT_WAIT_MILLIS} (an address that blocks) or for the broker past the last guard.
     */
    void expire() {
        long now = clock.getAsLong();
        long deadline = TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
        long answer = TimeUnit.MILLISECONDS.toNanos(ANSWER_MILLIS);
        for (TopicQueue queue : queues.values()) {
            queue.expire(now, deadline, answer);
        }
        senders.abortStuck(now, TimeUnit.MILLISECONDS.toNanos(CREDIT_WAIT_MILLIS), answer);
    }

    private void expireSafely() {
        try {
            expire();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "Expiring requests failed; trying again", e);
        }
    }

    /** Bytes of requests not yet over, for tests. */
    long pendingBytes() {
        return pending.total();
    }

    /** Requests of a topic not yet over, for tests. */
    int pending(String topic) {
        TopicQueue queue = queues.get(topic);
        return queue == null ? 0 : queue.size();
    }

    /** Sender threads still running, for tests. */
    long sendersAlive() {
        return senders.alive();
    }

    private TopicQueue queue(String topic) {
        return queues.computeIfAbsent(topic, name -> new TopicQueue(name, senderLimit, senders::ready, responder));
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
