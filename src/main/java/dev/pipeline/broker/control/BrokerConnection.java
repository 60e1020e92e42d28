package dev.pipeline.broker.control;

import dev.pipeline.topics.control.TopicCatalogue;
import dev.pipeline.topics.entity.Topic;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyConnector;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The one JMS connection of the service to Artemis, shared by all publishing sessions. It goes to
 * {@code pipeline.broker.url}, or, when that is unset, to an embedded broker started here with the
 * application. A connection the broker drops is discarded, and the next caller connects anew.
 */
@ApplicationScoped
public class BrokerConnection {

    private static final Logger LOG = Logger.getLogger(BrokerConnection.class.getName());
    private static final long RECONNECT_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long EVENT_LOOP_STOP_NANOS = TimeUnit.SECONDS.toNanos(5);
    /**
     * Client defaults for a request path, so that a broker that is gone or frozen costs a request
     * about 2 s, not the client's default 30 s, and a dead connection is noticed within seconds.
     * A URL that names one of these keeps its own value.
     */
    private static final String[][] CLIENT_DEFAULTS = {
            {"callTimeout", "2000"},
            {"callFailoverTimeout", "2000"},
            {"connectionTTL", "10000"},
            {"clientFailureCheckPeriod", "3000"},
    };
    /**
     * Single messages are sent without blocking and answered from the broker's send confirmation,
     * which it gives only once the message is stored; a window of 1 byte has it confirm each send
     * at once rather than a window's worth at a time. Batches use a connection without it: there
     * the commit answers for the whole transaction, and per-send confirmations would only cost the
     * broker two more packets a message.
     */
    private static final String[] CONFIRMING = {"confirmationWindowSize", "1"};

    @Inject
    @ConfigProperty(name = "pipeline.broker.url")
    Optional<String> brokerUrl;

    @Inject
    @ConfigProperty(name = "pipeline.broker.user")
    Optional<String> user;

    @Inject
    @ConfigProperty(name = "pipeline.broker.password")
    Optional<String> password;

    @Inject
    @ConfigProperty(name = "pipeline.broker.data-dir", defaultValue = "pipeline-data/broker")
    String dataDirectory;

    @Inject
    @ConfigProperty(name = "pipeline.broker.embedded-acceptor", defaultValue = "tcp://localhost:61616")
    String embeddedAcceptor;

    @Inject
    TopicCatalogue catalogue;

    private EmbeddedBroker embedded;
    /** For single messages: sends confirmed one by one (see {@link #CONFIRMING}). */
    private Link confirming;
    /** For batches: transacted sends the broker need not answer one by one; the commit answers for all. */
    private Link transacted;

    void startWithApplication(@Observes @Initialized(ApplicationScoped.class) Object application) {
        try {
            List<String> unbound = topicsWithoutSubscription(catalogue.all());
            if (!unbound.isEmpty()) {
                LOG.warning("Catalogue topics without a subscription on the broker: " + unbound
                        + ". Producing to them answers 503 until an operator creates one (see README).");
            }
        } catch (JMSException e) {
            LOG.warning("Broker not reachable at start; requests answer 503 until it is: " + e.getMessage());
        }
    }

    /** The topics whose address is missing on the broker or has no queue to store messages in. */
    public List<String> topicsWithoutSubscription(Collection<Topic> topics) throws JMSException {
        try (Session session = connection().createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            List<String> unbound = new ArrayList<>();
            for (Topic topic : topics) {
                if (!TopicBindings.hasSubscription(session, topic.name())) {
                    unbound.add(topic.name());
                }
            }
            return unbound;
        }
    }

    @PostConstruct
    void start() {
        String url = brokerUrl.orElseGet(() -> {
            LOG.warning(embeddedBrokerWarning(dataDirectory, embeddedAcceptor));
            embedded = EmbeddedBroker.start(Path.of(dataDirectory), embeddedAcceptor, catalogue.all());
            return EmbeddedBroker.IN_VM_URL;
        });
        String withDefaults = withClientDefaults(url);
        confirming = new Link(new ActiveMQConnectionFactory(withSetting(withDefaults, CONFIRMING)));
        transacted = new Link(new ActiveMQConnectionFactory(withDefaults));
    }

    /** The default is fine for a local run but easy to miss in production: say so once. */
    static String embeddedBrokerWarning(String dataDirectory, String acceptor) {
        return "pipeline.broker.url is not set: messages are stored by an embedded Artemis broker in this JVM (journal "
                + Path.of(dataDirectory).toAbsolutePath() + ", JMS consumers on " + acceptor
                + "); set pipeline.broker.url to use your own broker";
    }

    static String withClientDefaults(String url) {
        String result = url;
        for (String[] setting : CLIENT_DEFAULTS) {
            result = withSetting(result, setting);
        }
        return result;
    }

    /** The URL with {@code setting} added, unless the URL names that setting itself. */
    private static String withSetting(String url, String[] setting) {
        if (url.contains(setting[0] + "=")) {
            return url;
        }
        return url + (url.contains("?") ? '&' : '?') + setting[0] + '=' + setting[1];
    }

    /** The connection for single messages, whose sends the broker confirms one by one once stored. */
    public Connection connection() throws JMSException {
        return confirming.connection();
    }

    /** The connection for transacted batches. */
    public Connection transactedConnection() throws JMSException {
        return transacted.connection();
    }

    /** Whether channels made from this connection may still be used. */
    public boolean isCurrent(Connection candidate) {
        return candidate == confirming.connection || candidate == transacted.connection;
    }

    public void discard(Connection broken, String reason) {
        confirming.discard(broken, reason);
        transacted.discard(broken, reason);
    }

    /**
     * Closes the connections, then the Artemis client's static thread pools and Netty event loops:
     * they belong to the client bundled in this WAR and outlive every connection, so without this
     * an undeploy from a running server (Payara Server) left the pools' threads, and the WAR's
     * class loader, behind, and the event loops ended 10 s later failing to load classes from the
     * closed class loader. Waits for the event loops, so that they end while it is still open.
     */
    @PreDestroy
    void stop() {
        confirming.close();
        transacted.close();
        if (embedded != null) {
            embedded.stop();
        }
        ActiveMQClient.clearThreadPools();
        NettyConnector.clearThreadPools();
        awaitEventLoopsEnded();
    }

    private static void awaitEventLoopsEnded() {
        ClassLoader client = NettyConnector.class.getClassLoader();
        long deadline = System.nanoTime() + EVENT_LOOP_STOP_NANOS;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().endsWith("(activemq-client-remoting)") && thread.getContextClassLoader() == client) {
                try {
                    TimeUnit.NANOSECONDS.timedJoin(thread, Math.max(1, deadline - System.nanoTime()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * One connection to the broker, made when first needed and discarded when it fails. One caller
     * at a time connects, and after a failed attempt the next waits {@link #RECONNECT_PAUSE_NANOS};
     * meanwhile callers fail at once, so that an unreachable broker costs a request no more than
     * one connect timeout.
     */
    private final class Link {

        private final ActiveMQConnectionFactory factory;
        private final ReentrantLock connecting = new ReentrantLock();
        private volatile Connection connection;
        private volatile long lastFailedAttempt = System.nanoTime() - RECONNECT_PAUSE_NANOS;

        Link(ActiveMQConnectionFactory factory) {
            this.factory = factory;
        }

        Connection connection() throws JMSException {
            Connection current = connection;
            if (current != null) {
                return current;
            }
            if (System.nanoTime() - lastFailedAttempt < RECONNECT_PAUSE_NANOS || !connecting.tryLock()) {
                throw new JMSException("not connected to the broker; reconnecting");
            }
            try {
                if (connection == null) {
                    Connection created = user.isPresent()
                            ? factory.createConnection(user.get(), password.orElse(null))
                            : factory.createConnection();
                    created.setExceptionListener(failure -> discard(created, failure.getMessage()));
                    connection = created;
                    LOG.info("Connected to the broker");
                }
                return connection;
            } catch (JMSException e) {
                lastFailedAttempt = System.nanoTime();
                throw e;
            } finally {
                connecting.unlock();
            }
        }

        void discard(Connection broken, String reason) {
            synchronized (this) {
                if (broken != connection) {
                    return;
                }
                connection = null;
            }
            LOG.warning("Broker connection dropped: " + reason);
            closeQuietly(broken);
        }

        void close() {
            Connection current = connection;
            connection = null;
            if (current != null) {
                closeQuietly(current);
            }
            factory.close();
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (JMSException e) {
            LOG.fine(() -> "Closing a broken connection failed: " + e);
        }
    }
}
